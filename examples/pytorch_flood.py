#!/usr/bin/env python3
"""A PyTorch training loop flooded at the level `autoflood serve` gives it, epoch by epoch.

Flooding (Ishida et al., ICML 2020) trains on |L - b| + b instead of the mini-batch loss L, so the
training loss stops at the flood level b. Here autoflood chooses b: the loop creates a run on the
server, asks for b before each epoch, and posts each epoch's metrics (and, for the methods that
read them, every training example's loss). Standard library only (urllib) besides torch.

    npx autoflood serve --port 8642 &                      # in a clone: after npm ci
    python3 examples/pytorch_flood.py --url http://127.0.0.1:8642 --method rule

Without torch (or with --stand-in) the loop is a stand-in that posts scripted metrics, from an
autoflood metrics.jsonl (--metrics) or made up, so the client can be exercised anywhere; the tests
of autoflood run it that way against a real server. It prints the level of every epoch, and with
--json one JSON object at the end: the run's id, the levels and what was posted.
"""
import argparse
import json
import math
import os
import random
import sys
import urllib.error
import urllib.request


class FloodServer:
    """The few calls of autoflood serve's HTTP API."""

    def __init__(self, url, token=None, timeout=30):
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as err:
            try:
                detail = json.loads(err.read().decode("utf-8")).get("error", "")
            except ValueError:
                detail = err.reason
            raise RuntimeError("autoflood serve: %s %s: %d %s" % (method, path, err.code, detail)) from None

    def create_run(self, classes, epochs, method, agent=None):
        body = {"classes": classes, "epochs": epochs, "method": method}
        if agent:
            body["agent"] = agent
        return self._call("POST", "/runs", body)

    def post_epoch(self, run_id, metrics):
        return self._call("POST", "/runs/%s/epochs" % run_id, metrics)

    def run(self, run_id):
        return self._call("GET", "/runs/%s" % run_id)


def needs_losses(method):
    """The noise-bound rule and an inrun agent read every training example's loss of the warm-up."""
    return method in ("bound", "agent")


# ---------------------------------------------------------------- the real loop, with torch


def torch_loop(server, args):
    import torch
    import torch.nn.functional as F

    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)

    def blobs(n):
        # Two Gaussian classes in 10-D, 20% of the labels flipped: memorising them is what flooding stops.
        y = torch.randint(0, 2, (n,), generator=gen)
        x = torch.randn(n, 10, generator=gen) * 2 + (y.float() - 0.5).unsqueeze(1)
        flip = torch.rand(n, generator=gen) < 0.2
        return x, torch.where(flip, 1 - y, y)

    (x_train, y_train), (x_val, y_val) = blobs(1000), blobs(500)
    model = torch.nn.Sequential(torch.nn.Linear(10, 100), torch.nn.ReLU(), torch.nn.Linear(100, 100), torch.nn.ReLU(), torch.nn.Linear(100, 2))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    run = server.create_run(2, args.epochs, args.method, args.agent)
    b = run["level"]
    levels, posted = [], []
    for epoch in range(1, args.epochs + 1):
        levels.append(b)
        model.train()
        losses, correct, total = [], 0, 0
        order = torch.randperm(len(x_train), generator=gen)
        for start in range(0, len(order), 100):
            idx = order[start:start + 100]
            out = model(x_train[idx])
            per_example = F.cross_entropy(out, y_train[idx], reduction="none")
            loss = per_example.mean()
            flooded = (loss - b).abs() + b  # flooding: |L - b| + b
            optimizer.zero_grad()
            flooded.backward()
            optimizer.step()
            losses.extend(per_example.detach().tolist())
            correct += (out.argmax(1) == y_train[idx]).sum().item()
            total += len(idx)
        model.eval()
        with torch.no_grad():
            out = model(x_val)
            val_loss = F.cross_entropy(out, y_val).item()
            val_acc = (out.argmax(1) == y_val).float().mean().item()
        metrics = {"epoch": epoch, "trainLoss": sum(losses) / len(losses), "trainAcc": correct / total, "valLoss": val_loss, "valAcc": val_acc}
        if needs_losses(args.method):
            metrics["losses"] = [round(v, 6) for v in losses]
        answer = server.post_epoch(run["id"], metrics)
        posted.append(metrics)
        report(epoch, args.epochs, b, metrics, answer, args.json)
        b = answer["level"]
    return run["id"], levels, posted


# ---------------------------------------------------------------- the stand-in loop, without torch


def scripted_epochs(epochs, seed):
    """Made-up epochs of a noisy task: the training loss falls, the validation loss turns up as the
    network memorises, and 20% of the per-example losses stay high."""
    rnd = random.Random(seed)
    rows = []
    for epoch in range(1, epochs + 1):
        t = epoch / epochs
        train_loss = 0.69 * math.exp(-2.5 * t) + 0.05
        val_loss = 0.62 + 0.4 * (t - 0.3) ** 2
        losses = [round(rnd.lognormvariate(math.log(2.0), 0.3) if i % 5 == 0 else rnd.lognormvariate(math.log(train_loss / 2), 0.6), 6) for i in range(200)]
        rows.append({"epoch": epoch, "trainLoss": train_loss, "trainAcc": min(1.0, 0.6 + 0.4 * t), "valLoss": val_loss, "valAcc": 0.8 - 0.1 * (t - 0.3) ** 2, "losses": losses})
    return rows


def metrics_file_epochs(path):
    """The epochs of an autoflood metrics.jsonl: the five metrics and the per-example statistics."""
    keep = ("epoch", "trainLoss", "trainAcc", "valLoss", "valAcc", "lossQuantiles", "highLossShare", "noisyShare")
    with open(path, encoding="utf-8") as f:
        return [{k: v for k, v in json.loads(line).items() if k in keep} for line in f if line.strip()]


def stand_in_loop(server, args):
    rows = metrics_file_epochs(args.metrics) if args.metrics else scripted_epochs(args.epochs, args.seed)
    run = server.create_run(args.classes, len(rows), args.method, args.agent)
    b = run["level"]
    levels, posted = [], []
    for row in rows:
        levels.append(b)  # a real loop would train this epoch with (loss - b).abs() + b
        answer = server.post_epoch(run["id"], row)
        posted.append(row)
        report(row["epoch"], len(rows), b, row, answer, args.json)
        b = answer["level"]
    return run["id"], levels, posted


def report(epoch, epochs, b, metrics, answer, quiet):
    line = "epoch %d/%d: b %.4f, train loss %.4f, val loss %.4f" % (epoch, epochs, b, metrics["trainLoss"], metrics["valLoss"])
    if answer["level"] is not None:
        line += "; next b %.4f" % answer["level"]
    print(line, file=sys.stderr if quiet else sys.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8642", help="the server (autoflood serve)")
    parser.add_argument("--token", default=os.environ.get("AUTOFLOOD_TOKEN"), help="its bearer token (default: $AUTOFLOOD_TOKEN)")
    parser.add_argument("--method", default="rule", choices=["agent", "heuristic", "rule", "bound"])
    parser.add_argument("--agent", help="which of the server's agents (method agent; default: its first)")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--classes", type=int, default=2, help="classes of the stand-in's task")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stand-in", action="store_true", help="post scripted metrics even if torch is installed")
    parser.add_argument("--metrics", help="stand-in: post the epochs of this autoflood metrics.jsonl")
    parser.add_argument("--json", action="store_true", help="print one JSON object at the end (the epochs go to stderr)")
    args = parser.parse_args()

    server = FloodServer(args.url, args.token)
    use_torch = False
    if not args.stand_in and not args.metrics:
        try:
            import torch  # noqa: F401
            use_torch = True
        except ImportError:
            print("torch is not installed: a stand-in loop posts scripted metrics", file=sys.stderr)
    try:
        run_id, levels, posted = (torch_loop if use_torch else stand_in_loop)(server, args)
    except RuntimeError as err:
        print(err, file=sys.stderr)
        return 1
    except urllib.error.URLError as err:
        print("cannot reach autoflood serve at %s (%s); start it with: npx autoflood serve" % (args.url, err.reason), file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"run": run_id, "loop": "torch" if use_torch else "stand-in", "levels": levels, "posted": posted}))
    else:
        print("run %s: levels %s" % (run_id, ", ".join("%.4f" % b for b in levels)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
