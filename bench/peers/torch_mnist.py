"""The PyTorch peer of bench/mnist.ts: the notes' model (784-512-512-10, relu, softmax
cross-entropy), RMSprop with Keras' settings (lr 0.001, alpha 0.9, eps 1e-7), batch 32 unless
given, on the CPU (one thread) unless 'cuda' is given, over the same MNIST images. Prints one JSON
line: ms per step over the timed steps (on CUDA, loss.item() at the end waits for the GPU).

    python3 bench/peers/torch_mnist.py <idx-folder> <warmup-steps> <timed-steps> [batch] [cpu|cuda] [width]

width: the hidden layers' units (512, the notes' model; bench/scaling.ts also runs 2048).
"""
import json
import os
import struct
import sys
import time

import torch


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    _, _, dtype, rank = struct.unpack(">BBBB", data[:4])
    dims = struct.unpack(">" + "I" * rank, data[4 : 4 + 4 * rank])
    return torch.frombuffer(bytearray(data[4 + 4 * rank :]), dtype=torch.uint8).reshape(dims)


def main():
    torch.set_num_threads(1)
    folder, warmup, timed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    batch = int(sys.argv[4]) if len(sys.argv) > 4 else 32
    device = sys.argv[5] if len(sys.argv) > 5 else "cpu"
    width = int(sys.argv[6]) if len(sys.argv) > 6 else 512
    if device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("torch has no CUDA device here")
    n = (warmup + timed) * batch
    x = read_idx(os.path.join(folder, "train-images-idx3-ubyte"))[:n].reshape(-1, 784).float() / 255
    y = read_idx(os.path.join(folder, "train-labels-idx1-ubyte"))[:n].long()
    if x.shape[0] < n:
        raise SystemExit(f"need {n} images, the folder has {x.shape[0]}")
    x, y = x.to(device), y.to(device)
    torch.manual_seed(1)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, width), torch.nn.ReLU(),
        torch.nn.Linear(width, width), torch.nn.ReLU(),
        torch.nn.Linear(width, 10),
    ).to(device)
    opt = torch.optim.RMSprop(model.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step(i):
        xb, yb = x[i * batch : (i + 1) * batch], y[i * batch : (i + 1) * batch]
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        return loss

    for i in range(warmup):
        step(i)
    start = time.perf_counter()
    for i in range(warmup, warmup + timed):
        loss = step(i)
    loss.item()
    ms = (time.perf_counter() - start) * 1000 / timed
    config = torch.__config__.show()
    blas = next((p.split("=", 1)[1] for p in config.replace(",", " ").split() if p.startswith("BLAS_INFO=")), "?")
    gpu = torch.cuda.get_device_name() if device == "cuda" else None
    print(json.dumps({"msPerStep": ms, "threads": torch.get_num_threads(), "torch": torch.__version__, "blas": blas, "gpu": gpu}))


main()
