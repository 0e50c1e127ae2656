/** The course notes' data and the numbers they report, shared by the examples and notebooks. */

/** Lesson 2's ten points. */
export const X = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
export const Y = [10, 20, 25, 30, 40, 45, 40, 50, 60, 55];

/** numpy.polyfit(x, y, 1) and its loss, computed with numpy. */
export const NUMPY = { m: 5.121212121212121, b: 14.454545454545448, loss: 14.87878787878788 };

/** Lesson 1's Keras log, one row per epoch: loss, accuracy, val_loss, val_accuracy. */
export const MNIST_NOTES: readonly (readonly [number, number, number, number])[] = [
  [0.1933, 0.9426, 0.1238, 0.9661],
  [0.1017, 0.9736, 0.1087, 0.9745],
  [0.0803, 0.9801, 0.1226, 0.9764],
  [0.0692, 0.983, 0.137, 0.9776],
  [0.064, 0.9866, 0.1534, 0.9753],
];
