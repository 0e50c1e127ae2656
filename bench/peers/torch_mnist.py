"""The PyTorch peer of bench/mnist.ts: the notes' model (784-512-512-10, relu, softmax
cross-entropy), RMSprop with Keras' settings (lr 0.001, alpha 0.9, eps 1e-7), batch 32, on the
CPU, over the same MNIST images. Prints one JSON line: ms per step over the timed steps.

    python3 bench/peers/torch_mnist.py <idx-folder> <warmup-steps> <timed-steps>
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
    n = (warmup + timed) * 32
    x = read_idx(os.path.join(folder, "train-images-idx3-ubyte"))[:n].reshape(-1, 784).float() / 255
    y = read_idx(os.path.join(folder, "train-labels-idx1-ubyte"))[:n].long()
    torch.manual_seed(1)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.ReLU(),
        torch.nn.Linear(512, 512), torch.nn.ReLU(),
        torch.nn.Linear(512, 10),
    )
    opt = torch.optim.RMSprop(model.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step(i):
        xb, yb = x[i * 32 : (i + 1) * 32], y[i * 32 : (i + 1) * 32]
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
    print(json.dumps({"msPerStep": ms, "threads": torch.get_num_threads(), "torch": torch.__version__, "blas": blas}))


main()
