"""Train a small facial-expression CNN on FER2013 and export it to ONNX.

CPU only, a fixed wall-time budget (the learning rate follows elapsed time,
so the run warms up, anneals and ends on time on a busy machine). 10% of
``train`` (stratified, fixed seed) is held out for model selection;
``publictest`` is only measured at the end, never used to choose anything.

Shipped inside ``models/expression.onnx`` (one view, averaged with the
mini-Xception on two: ``build_expression.py --views 1,2``); see
models/expression.md for what each run reached. Output input/format:
``gray`` float32 [N, 1, 48, 48], grey levels 0..255 -> ``probs`` [N, 7];
weights stored as float16 (cast to float32 in the graph).

    python models/train_expression.py ../shared/data/fer2013 /tmp/expression_cnn.onnx \
      --minutes 22 --width 24 --threads 2 [--checkpoint /tmp/expression.ckpt]

With ``--checkpoint`` the whole state (weights, optimiser, random generator,
epoch, time spent, best epoch so far) is saved after every epoch and the run
resumes from it when started again with the same arguments, so a long budget
can be spent in several sittings. torch is a training-only tool: install it
into the venv (``.venv/bin/pip install torch==2.13.0+cpu``), never into the
product's dependencies.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import cv2
import numpy as np
import onnx
import torch
import torch.nn.functional as F  # noqa: N812
from onnx import helper, numpy_helper
from torch import nn

CLASSES = ("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise")
SIZE = 48


def load_split(root: Path) -> tuple[np.ndarray, np.ndarray]:
    """All images of a split as uint8 [N, 48, 48] and labels [N], cached as .npz beside /tmp."""
    cache = Path("/tmp") / f"petbrain_fer_{root.parent.name}_{root.name}.npz"
    if cache.exists():
        data = np.load(cache)
        return data["x"], data["y"]
    images, labels = [], []
    for index, name in enumerate(CLASSES):
        for path in sorted((root / name).iterdir()):
            image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
            if image is None:
                continue
            images.append(cv2.resize(image, (SIZE, SIZE)))
            labels.append(index)
    x, y = np.stack(images), np.array(labels, dtype=np.int64)
    np.savez(cache, x=x, y=y)
    return x, y


def conv_bn(c_in: int, c_out: int) -> nn.Sequential:
    """3x3 convolution, batch norm, ReLU."""
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(True)
    )


class ExpressionNet(nn.Module):
    """A VGG-style CNN sized for a Raspberry Pi: three pooled stages and a separable head."""

    def __init__(self, width: int = 32) -> None:
        super().__init__()
        w = width
        self.features = nn.Sequential(
            conv_bn(1, w),
            nn.MaxPool2d(2),  # 24
            conv_bn(w, 2 * w),
            conv_bn(2 * w, 2 * w),
            nn.MaxPool2d(2),  # 12
            conv_bn(2 * w, 4 * w),
            conv_bn(4 * w, 4 * w),
            nn.MaxPool2d(2),  # 6
            nn.Conv2d(4 * w, 4 * w, 3, padding=1, groups=4 * w, bias=False),
            nn.Conv2d(4 * w, 8 * w, 1, bias=False),
            nn.BatchNorm2d(8 * w),
            nn.ReLU(True),
        )
        self.head = nn.Sequential(nn.Dropout(0.4), nn.Linear(8 * w, len(CLASSES)))

    def forward(self, gray: torch.Tensor) -> torch.Tensor:
        """Logits from grey levels 0..255."""
        x = (gray - 128.0) / 64.0
        x = self.features(x)
        return self.head(x.mean(dim=(2, 3)))


def augment(batch: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Random flip, rotation (±12°), scale (0.9-1.1) and shift (±8%) on a float batch."""
    n = batch.shape[0]
    angle = (torch.rand(n, generator=generator) - 0.5) * math.radians(24)
    scale = 1.0 + (torch.rand(n, generator=generator) - 0.5) * 0.2
    flip = torch.where(torch.rand(n, generator=generator) < 0.5, -1.0, 1.0)
    shift = (torch.rand(n, 2, generator=generator) - 0.5) * 0.16
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(
        [
            torch.stack([cos * flip, -sin, shift[:, 0]], 1),
            torch.stack([sin * flip, cos, shift[:, 1]], 1),
        ],
        1,
    )
    grid = F.affine_grid(theta, list(batch.shape), align_corners=False)
    return F.grid_sample(batch, grid, padding_mode="border", align_corners=False)


def time_schedule(fraction: float, peak: float) -> float:
    """Learning rate at ``fraction`` of the time budget: 15% linear warm-up, then cosine to 0."""
    if fraction < 0.15:
        return peak * (0.1 + 0.9 * fraction / 0.15)
    return peak * 0.5 * (1.0 + math.cos(math.pi * (fraction - 0.15) / 0.85))


def accuracy(model: nn.Module, x: np.ndarray, y: np.ndarray) -> float:
    """Top-1 accuracy of ``model`` on grey images ``x`` with labels ``y``."""
    return float((predict(model, x).argmax(1) == y).mean())


def predict(model: nn.Module, x: np.ndarray) -> np.ndarray:
    """Softmax probabilities, no test-time augmentation (the deployed graph has none)."""
    model.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(x), 512):
            batch = torch.from_numpy(x[start : start + 512]).float()[:, None]
            out.append(F.softmax(model(batch), 1).numpy())
    return np.concatenate(out)


def export(model: nn.Module, path: Path) -> None:
    """ONNX of ``model`` with a softmax output and float16 weights."""
    model.eval()
    tmp = path.with_suffix(".fp32.onnx")

    class Probs(nn.Module):
        def __init__(self, net: nn.Module) -> None:
            super().__init__()
            self.net = net

        def forward(self, gray: torch.Tensor) -> torch.Tensor:
            return F.softmax(self.net(gray), 1)

    torch.onnx.export(
        Probs(model),
        torch.zeros(1, 1, SIZE, SIZE),
        str(tmp),
        input_names=["gray"],
        output_names=["probs"],
        dynamic_axes={"gray": {0: "N"}, "probs": {0: "N"}},
        opset_version=17,
        dynamo=False,
    )
    final = onnx.load(str(tmp))
    tmp.unlink()
    _weights_to_fp16(final)
    helper.set_model_props(final, {"classes": ",".join(CLASSES), "input": "gray 0..255, 48x48"})
    onnx.checker.check_model(final)
    onnx.save(final, str(path))


def _weights_to_fp16(model: onnx.ModelProto) -> None:
    """Store float initialisers as float16 and cast them back in front of their users."""
    graph = model.graph
    casts = []
    for init in list(graph.initializer):
        array = numpy_helper.to_array(init)
        if array.dtype != np.float32 or array.size < 64:
            continue
        half = numpy_helper.from_array(array.astype(np.float16), init.name + "_fp16")
        graph.initializer.remove(init)
        graph.initializer.append(half)
        casts.append(helper.make_node("Cast", [half.name], [init.name], to=onnx.TensorProto.FLOAT))
    for node in reversed(casts):
        graph.node.insert(0, node)


def main() -> None:
    """Train within the time budget, keep the best epoch on the held-out 10%, export."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="fer2013 folder with train/ and publictest/")
    parser.add_argument("out", type=Path)
    parser.add_argument("--minutes", type=float, default=22.0, help="training wall-time budget")
    parser.add_argument("--lr", type=float, default=3e-3, help="peak learning rate")
    parser.add_argument("--width", type=int, default=24, help="channels of the first stage")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument(
        "--checkpoint",
        type=Path,
        help="save the whole training state here after every epoch, and resume from it when "
        "it exists (same arguments); --minutes is then the budget over all sittings",
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x, y = load_split(args.data / "train")
    rng = np.random.default_rng(args.seed)
    held = np.zeros(len(y), bool)
    for c in range(len(CLASSES)):
        idx = np.flatnonzero(y == c)
        held[rng.choice(idx, size=len(idx) // 10, replace=False)] = True
    x_train, y_train, x_held, y_held = x[~held], y[~held], x[held], y[held]
    print(f"train {len(y_train)}  held-out {len(y_held)}", flush=True)
    model = ExpressionNet(args.width).to(memory_format=torch.channels_last)
    print(f"parameters {sum(p.numel() for p in model.parameters())}", flush=True)
    steps_per_epoch = len(y_train) // args.batch
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=5e-4)
    generator = torch.Generator().manual_seed(args.seed)
    x_tensor, y_tensor = torch.from_numpy(x_train).float()[:, None], torch.from_numpy(y_train)
    best, best_state = -1.0, None
    budget_s = args.minutes * 60
    epoch, done, spent_s = 0, False, 0.0
    if args.checkpoint is not None and args.checkpoint.exists():
        state = torch.load(args.checkpoint, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        generator.set_state(state["generator"])
        epoch, spent_s = state["epoch"], state["spent_s"]
        best, best_state = state["best"], state["best_state"]
        print(f"resumed after epoch {epoch} ({spent_s:.0f} s spent)", flush=True)
    start = time.monotonic() - spent_s
    # The learning rate follows elapsed training time, not steps: on a shared, busy
    # CPU the run still warms up, anneals and ends on time, however many epochs fit.
    # Time spent in earlier sittings counts (it is stored in the checkpoint).
    while not done and time.monotonic() - start < budget_s:
        epoch += 1
        t0 = time.monotonic()
        model.train()
        order = torch.randperm(len(y_train), generator=generator)
        total = 0.0
        for step in range(steps_per_epoch):
            fraction = (time.monotonic() - start) / budget_s
            if fraction >= 1.0:
                done = True
                break
            for group in optimizer.param_groups:
                group["lr"] = time_schedule(fraction, args.lr)
            index = order[step * args.batch : (step + 1) * args.batch]
            batch = augment(x_tensor[index], generator).contiguous(
                memory_format=torch.channels_last
            )
            loss = F.cross_entropy(model(batch), y_tensor[index], label_smoothing=0.1)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += float(loss.detach())
        held_acc = accuracy(model, x_held, y_held)
        print(
            f"epoch {epoch}: loss {total / max(1, step):.3f} held-out {held_acc:.4f} "
            f"({time.monotonic() - t0:.0f} s, lr {time_schedule(min(fraction, 1.0), args.lr):.2e})",
            flush=True,
        )
        if held_acc > best:
            best, best_state = held_acc, {k: v.clone() for k, v in model.state_dict().items()}
        if args.checkpoint is not None:
            partial = args.checkpoint.with_name(args.checkpoint.name + ".partial")
            torch.save(
                {
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "generator": generator.get_state(),
                    "epoch": epoch,
                    "spent_s": time.monotonic() - start,
                    "best": best,
                    "best_state": best_state,
                },
                partial,
            )
            partial.replace(args.checkpoint)  # atomic: a kill mid-save keeps the last one
    assert best_state is not None, "no epoch finished within the budget"
    model.load_state_dict(best_state)
    print(f"selected held-out accuracy {best:.4f}", flush=True)
    x_test, y_test = load_split(args.data / "publictest")
    print(f"publictest accuracy (this net alone) {accuracy(model, x_test, y_test):.4f}", flush=True)
    export(model, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)", flush=True)


if __name__ == "__main__":
    main()
