"""Train ``models/touch_gesture.onnx``: skin gestures from the touch features, on softrobot7.

    .venv/bin/python models/train_touch.py [--data ../shared/data/softrobot7]
        [--out models/touch_gesture.onnx] [--skip-eval]

1. Converts softrobot7 into the labelled recording format (a temporary folder).
2. Scores the recipe by nested leave-recordings-out cross-validation (the
   same code as ``petbrain eval touch``) and by nested leave-one-day-out,
   next to the hand-tuned rules, and prints the figures the model card quotes.
3. Chooses the setting by 3-fold inner cross-validation on all recordings,
   fits on all of them (one row per 800 ms window of each instance, also
   with the recording read at the gains ``AUGMENT_GAINS``, and the mirror
   image of every row) and
   writes the ONNX graph (standardise -> (tanh layer) -> softmax, or boosted
   stumps: gather -> compare -> one matrix product of the leaves -> softmax), with
   metadata (classes, feature names, contact level, window and stride,
   fingerprints of the training recordings).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sensors.touch.features import FEATURE_NAMES, STRIDE_MS, WINDOW_MS  # noqa: E402
from sensors.touch.importers import import_softrobot7  # noqa: E402
from sensors.touch.learn import GestureModel, StumpModel  # noqa: E402
from sensors.touch.realeval import (  # noqa: E402
    AUGMENT_GAINS,
    SETTINGS,
    cross_validate,
    feature_table,
    fingerprint,
    fit_setting,
    select_setting,
    training_rows,
)
from sensors.touch.recording import load_folder  # noqa: E402


def to_onnx(model: GestureModel | StumpModel, touch_level: float, trained_on: list[str]) -> bytes:
    """The fitted model as an ONNX graph (opset 17) with its metadata.

    Softmax regression / MLP: standardise -> (tanh layer) -> softmax.
    Boosted stumps: gather each stump's feature, compare with its threshold,
    and add up the leaves with one matrix product -> softmax.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    def const(name: str, value: np.ndarray) -> onnx.TensorProto:
        return numpy_helper.from_array(np.asarray(value, dtype=np.float32), name)

    if isinstance(model, StumpModel):
        inits = [
            numpy_helper.from_array(np.asarray(model.features, dtype=np.int64), "stump_feature"),
            const("stump_threshold", model.thresholds),
            const("stump_delta", model.right - model.left),
            const("stump_base", model.bias + model.left.sum(axis=0)),
        ]
        nodes = [
            helper.make_node("Gather", ["features", "stump_feature"], ["asked"], axis=1),
            helper.make_node("Greater", ["asked", "stump_threshold"], ["yes"]),
            helper.make_node("Cast", ["yes"], ["yes_f"], to=TensorProto.FLOAT),
            helper.make_node("MatMul", ["yes_f", "stump_delta"], ["votes"]),
            helper.make_node("Add", ["votes", "stump_base"], ["z"]),
        ]
        h = "z"
    else:
        inits = [const("mean", model.mean), const("scale", model.scale)]
        nodes = [
            helper.make_node("Sub", ["features", "mean"], ["centred"]),
            helper.make_node("Div", ["centred", "scale"], ["h0"]),
        ]
        h = "h0"
        for i, (w, b) in enumerate(model.layers):
            inits += [const(f"w{i}", w), const(f"b{i}", b)]
            nodes.append(helper.make_node("MatMul", [h, f"w{i}"], [f"m{i}"]))
            nodes.append(helper.make_node("Add", [f"m{i}", f"b{i}"], [f"z{i}"]))
            h = f"z{i}"
            if i < len(model.layers) - 1:
                nodes.append(helper.make_node("Tanh", [h], [f"a{i}"]))
                h = f"a{i}"
    nodes.append(helper.make_node("Softmax", [h], ["probabilities"], axis=1))
    graph = helper.make_graph(
        nodes,
        "touch_gesture",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", len(FEATURE_NAMES)])],
        [
            helper.make_tensor_value_info(
                "probabilities", TensorProto.FLOAT, ["N", len(model.classes)]
            )
        ],
        inits,
    )
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    proto.ir_version = 8
    proto.producer_name = "petbrain models/train_touch.py"
    meta = {
        "classes": json.dumps(list(model.classes)),
        "features": json.dumps(list(FEATURE_NAMES)),
        "touch_level": str(touch_level),
        "window_ms": str(WINDOW_MS),
        "stride_ms": str(STRIDE_MS),
        "trained_on": json.dumps(sorted(trained_on)),
    }
    for key, value in meta.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(proto)
    return bytes(proto.SerializeToString())


def onnx_agreement(data: bytes, model: GestureModel | StumpModel, x: np.ndarray) -> float:
    """Share of rows where the ONNX graph (float32) names the class the NumPy model names."""
    from sensors.onnx_runtime import onnxruntime

    session = onnxruntime().InferenceSession(data, providers=["CPUExecutionProvider"])
    got = session.run(None, {"features": np.asarray(x, dtype=np.float32)})[0]
    return float(np.mean(np.argmax(got, axis=1) == np.argmax(model.scores(x), axis=1)))


def main() -> int:
    """Evaluate, fit, write."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "softrobot7"))
    parser.add_argument("--out", default=str(ROOT / "models" / "touch_gesture.onnx"))
    parser.add_argument("--skip-eval", action="store_true", help="fit and write only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        written, problems = import_softrobot7(args.data, tmp)
        for line in problems:
            print(line, file=sys.stderr)
        folder = load_folder(tmp)
        for line in folder.errors:
            print(line, file=sys.stderr)
        recordings = folder.recordings
        surface = folder.surface()
        print(f"{written} recordings converted, {len(recordings)} loaded")
        if not args.skip_eval:
            evaluation = cross_validate(recordings, surface, progress=print)
            print(f"protocol: {evaluation.protocol}, {evaluation.folds} folds")
            print("learned:", json.dumps(evaluation.learned.to_json()))
            print("rules:  ", json.dumps(evaluation.rules.to_json()))
            # Stricter: the recording day stands in for the (unknown) person and session.
            by_day = [replace(r, subject=r.name.split("_")[-1][:8]) for r in recordings]
            evaluation = cross_validate(by_day, surface, progress=print)
            print(f"protocol: leave-one-day-out, {evaluation.folds} folds")
            print("learned:", json.dumps(evaluation.learned.to_json()))
            print("rules:  ", json.dumps(evaluation.rules.to_json()))
        table = feature_table(recordings, surface, sorted({s.touch_level for s in SETTINGS}))
        setting = select_setting(table, recordings)
        print(f"chosen on all recordings by inner folds: {setting}")
        rows = table[setting.touch_level]
        samples = [s for r in recordings for s in rows[r.name]]
        x, y = training_rows(samples)
        model = fit_setting(x, y, setting)
        data = to_onnx(model, setting.touch_level, [fingerprint(r) for r in recordings])
        print(f"ONNX agrees with the fitted model on {onnx_agreement(data, model, x):.2%} of rows")
    Path(args.out).write_bytes(data)
    print(
        f"wrote {args.out} ({len(data)} bytes, {len(samples)} instances, "
        f"{sum(len(s.windows) for s in samples)} windows, {len(y) // 2} training rows with the "
        f"gains {AUGMENT_GAINS}, and their mirror images, "
        f"classes {model.classes})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
