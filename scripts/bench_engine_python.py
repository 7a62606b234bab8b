#!/usr/bin/env python3
"""The ZeroMask "small" backbone + SPNet projection re-written in PyTorch eager, layer for layer as in
core/engine/backbone.cpp, to time encode() against the C++ engine with the same input size and thread
count. Run by bench_engine (or by hand): /usr/bin/python3 scripts/bench_engine_python.py --threads 2 --size 512
Also `--train` times one training iteration (batch 8, crop 192) for comparison with the trainer.
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def round_channels(c):
    return max(8, int(round(c / 8.0)) * 8)


class ConvBnAct(nn.Module):
    def __init__(self, cin, cout, k, stride=1, dilation=1, groups=1, act=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, dilation * (k - 1) // 2, dilation, groups, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.act = act

    def forward(self, x):
        y = self.bn(self.conv(x))
        return F.relu6(y) if self.act else y


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, dilation, expand):
        super().__init__()
        hidden = cin * expand
        layers = []
        if expand != 1:
            layers.append(ConvBnAct(cin, hidden, 1))
        layers += [ConvBnAct(hidden, hidden, 3, stride, dilation, hidden), ConvBnAct(hidden, cout, 1, act=False)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


class MobileEncoder(nn.Module):
    def __init__(self, width, depth, output_stride):
        super().__init__()
        stages = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]
        cin = round_channels(32 * width)
        low, high = [ConvBnAct(3, cin, 3, 2)], []
        stride, dilation, in_low = 2, 1, True
        self.low_channels = 0
        for t, c, n, s in stages:
            cout = round_channels(c * width)
            n = max(1, -int(-(n * depth - 1e-9) // 1))
            for i in range(n):
                st = s if i == 0 else 1
                if st == 2 and stride >= output_stride:
                    dilation *= 2
                    st = 1
                elif st == 2:
                    if stride == 4:
                        in_low = False
                    stride *= 2
                (low if in_low else high).append(InvertedResidual(cin, cout, st, dilation, t))
                cin = cout
                if in_low:
                    self.low_channels = cin
        self.low = nn.Sequential(*low)
        self.high = nn.Sequential(*high)
        self.high_channels = cin

    def forward(self, x):
        l = self.low(x)
        return l, self.high(l)


class Aspp(nn.Module):
    def __init__(self, cin, cout, output_stride):
        super().__init__()
        m = 16 // output_stride
        self.branches = nn.ModuleList([ConvBnAct(cin, cout, 1)] + [
            nn.Sequential(ConvBnAct(cin, cin, 3, 1, r * m, cin), ConvBnAct(cin, cout, 1)) for r in (3, 6, 9)])
        self.pool = ConvBnAct(cin, cout, 1)
        self.project = ConvBnAct(cout * 5, cout, 1)

    def forward(self, x):
        parts = [b(x) for b in self.branches]
        g = self.pool(x).mean((2, 3), keepdim=True)
        parts.append(g.expand(-1, -1, x.shape[2], x.shape[3]))
        return self.project(torch.cat(parts, 1))


class SegNet(nn.Module):
    """Preset "small": mobile, width 0.75, depth 0.5, output stride 16, ASPP 96, features 64, low-level 24."""

    def __init__(self, width=0.75, depth=0.5, output_stride=16, aspp=96, feature_dim=64, low=24, semantic_dim=100):
        super().__init__()
        self.encoder = MobileEncoder(width, depth, output_stride)
        self.aspp = Aspp(self.encoder.high_channels, aspp, output_stride)
        self.low_project = ConvBnAct(self.encoder.low_channels, low, 1)
        fin = aspp + low
        f = feature_dim
        self.fuse = nn.Sequential(ConvBnAct(fin, fin, 3, 1, 1, fin), ConvBnAct(fin, f, 1), ConvBnAct(f, f, 3, 1, 1, f), ConvBnAct(f, f, 1))
        self.projection = nn.Conv2d(f, semantic_dim, 1)

    def forward(self, x):
        h, w = (x.shape[2] + 3) // 4, (x.shape[3] + 3) // 4
        low, high = self.encoder(x)
        y = F.interpolate(self.aspp(high), size=(h, w), mode="bilinear", align_corners=False)
        y = torch.cat([y, self.low_project(F.interpolate(low, size=(h, w), mode="bilinear", align_corners=False))], 1)
        return F.normalize(self.projection(self.fuse(y)), dim=1, eps=1e-6)


def timed(fn, repeats, warmup=2):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--train", action="store_true", help="also time one training step (batch 8, crop 192)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    net = SegNet().eval()
    params = sum(p.numel() for p in net.parameters())
    # Same input as the C++ encode(): a 512x512 image normalised, padded to a multiple of 32 (already is).
    x = torch.rand(1, 3, a.size, a.size)
    with torch.no_grad():
        ms = timed(lambda: net(x), a.repeats)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, parameters {params}")
    print(f"python_eager_encode_{a.size}: median {statistics.median(ms):.1f} ms, min {min(ms):.1f} ms ({a.repeats} runs)")
    if a.train:
        net.train()
        opt = torch.optim.AdamW(net.parameters(), 1e-3)
        xb = torch.rand(8, 3, 192, 192)
        cls = F.normalize(torch.randn(8, 100), dim=1)
        lab = torch.randint(0, 8, (8, 192, 192))

        def step():
            e = net(xb)
            logits = torch.einsum("bdhw,cd->bchw", e, cls) * 10
            up = F.interpolate(logits, size=(192, 192), mode="bilinear", align_corners=False)
            loss = F.cross_entropy(up, lab, ignore_index=-1)
            opt.zero_grad()
            loss.backward()
            opt.step()

        ms = timed(step, 5, warmup=1)
        print(f"python_eager_train_step_b8_192: median {statistics.median(ms):.1f} ms")


if __name__ == "__main__":
    main()
