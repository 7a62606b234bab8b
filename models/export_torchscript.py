#!/usr/bin/env python3
"""Export an encoder as TorchScript for `zeromask-cli train --backbone FILE.pt`.

ZeroMask's engine accepts any TorchScript module that maps a normalised image batch [B,3,H,W] to a
feature map [B,C,H/s,W/s] (s = 8, 16 or 32); it probes C and s on load, adds its own ASPP + decoder +
semantic projection on top and fine-tunes everything (the script's weights are saved in the model).

Examples (Debian: apt install python3-torch python3-torchvision; call /usr/bin/python3):
  /usr/bin/python3 models/export_torchscript.py resnet50 --weights resnet50-0676ba61.pth -o resnet50.pt
  /usr/bin/python3 models/export_torchscript.py resnet18 -o resnet18-random.pt        # random init
  /usr/bin/python3 models/export_torchscript.py tiny -o tests/core/engine/data/tiny_encoder.pt

torchvision's weights download at run time; on machines without network pass a state_dict you copied
(--weights). The trunk is dilated to output stride 16 where torchvision allows it (ResNet-50/101).
"""
import argparse

import torch
import torch.nn as nn


class Trunk(nn.Module):
    """A torchvision ResNet without its pooling and classifier: stride 16 (dilated layer4) or 32."""

    def __init__(self, net):
        super().__init__()
        self.stem = nn.Sequential(net.conv1, net.bn1, net.relu, net.maxpool)
        self.layer1, self.layer2, self.layer3, self.layer4 = net.layer1, net.layer2, net.layer3, net.layer4

    def forward(self, x):
        return self.layer4(self.layer3(self.layer2(self.layer1(self.stem(x)))))


class Tiny(nn.Module):
    """A few-kilobyte stride-8 encoder, for tests."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 8, 3, 2, 1), nn.BatchNorm2d(8), nn.ReLU(),
            nn.Conv2d(8, 16, 3, 2, 1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 16, 3, 2, 1), nn.BatchNorm2d(16), nn.ReLU())

    def forward(self, x):
        return self.body(x)


def build(name, weights):
    if name == "tiny":
        torch.manual_seed(0)
        return Tiny()
    import torchvision
    ctor = getattr(torchvision.models, name)
    kwargs = {}
    if name in ("resnet50", "resnet101", "resnet152"):
        kwargs["replace_stride_with_dilation"] = [False, False, True]
    net = ctor(weights=None, **kwargs)
    if weights:
        net.load_state_dict(torch.load(weights, map_location="cpu"))
    return Trunk(net)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("arch", help="tiny | resnet18 | resnet34 | resnet50 | resnet101 | resnet152")
    ap.add_argument("--weights", help="state_dict (.pth) of the torchvision model")
    ap.add_argument("-o", "--out", required=True)
    a = ap.parse_args()
    net = build(a.arch, a.weights).eval()
    scripted = torch.jit.script(net)
    with torch.no_grad():
        y = scripted(torch.zeros(1, 3, 64, 64))
    scripted.save(a.out)
    print(f"{a.out}: {a.arch}, output {list(y.shape)} for a 64x64 input, "
          f"{sum(p.numel() for p in net.parameters())} parameters")


if __name__ == "__main__":
    main()
