#!/usr/bin/env python3
"""The playground in a real browser (Playwright for Python driving the system's Chromium).

    scripts/playground-e2e.py --url http://127.0.0.1:PORT --backprop .build/debug/backprop --out DIR
        [--screenshot docs/playground.png] [--measure]

Against a running `backprop playground`:
  1. choose the spiral, add a hidden layer, press play, wait until the test accuracy shown on the
     page passes 90% (at most 90 s), pause;
  2. download the model, the command, the run file and the report; check the model with
     `backprop evaluate` on the page's own test points, and run the page's command: its model
     must hold the downloaded model's parameters bit for bit;
  3. send bad settings (an unknown activation, 10,000 units): the page must show the server's message;
  4. with --measure: the frames per second the page receives and paints for a 2-8-8-1 network
     over 10 s, and two pages at once (both must get frames, and the server must answer a request
     meanwhile);
  5. with --screenshot: a picture of the page mid-training.
Any console error or page error fails the run. Exit status 0: passed; 1: failed; 77: skipped
(Playwright or Chromium missing), with the reason on standard error.
"""
import argparse
import csv
import json
import shutil
import struct
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

try:
    from playwright.sync_api import sync_playwright
except ImportError:
    print("playwright is not installed (python3 -m pip install playwright)", file=sys.stderr)
    sys.exit(77)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    print("chromium is not installed", file=sys.stderr)
    sys.exit(77)


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def tensors(path):
    """The tensors of a safetensors file: name -> (dtype, shape, raw bytes)."""
    data = Path(path).read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    return {
        name: (entry["dtype"], entry["shape"], body[entry["data_offsets"][0]:entry["data_offsets"][1]])
        for name, entry in header.items() if name != "__metadata__"
    }


def open_page(browser, url, errors, name):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page.on("console", lambda m: errors.append(f"{name} console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{name} page error: {e}"))
    page.goto(url)
    page.wait_for_function("document.getElementById('connection').textContent === 'connected'", timeout=15000)
    page.wait_for_function("lastFrame !== null", timeout=15000)
    return page


def count_frames(page):
    """Counts the frames the page receives and paints (receive() paints every canvas before it returns)."""
    page.evaluate("""() => {
      window.__frames = 0; window.__paintMs = 0;
      if (window.__counting) return;
      window.__counting = true;
      const original = receive;
      receive = (message) => {
        const started = performance.now();
        original(message);
        if (message.type === "frame") { window.__frames++; window.__paintMs += performance.now() - started; }
      };
    }""")


def press_play(page):
    page.click("#play")
    page.wait_for_function("playing === true", timeout=10000)


def pause(page):
    page.click("#play")
    page.wait_for_function("playing === false && lastFrame && lastFrame.playing === false", timeout=20000)


def learn_spiral(page, out, backprop, screenshot):
    page.click("button[data-dataset=spiral]")
    page.wait_for_function("settings.dataset === 'spiral' && data && lastFrame", timeout=10000)
    layers = page.evaluate("settings.layers.length")
    page.click("#addLayer")
    page.wait_for_function(f"settings.layers.length === {layers + 1}", timeout=10000)
    press_play(page)
    started = time.monotonic()
    if screenshot:
        # Mid-training: the boundary has started to wind with the arms.
        page.wait_for_function("Number(document.getElementById('test-accuracy').dataset.value) > 0.8", timeout=90000)
        page.screenshot(path=screenshot)
    page.wait_for_function("Number(document.getElementById('test-accuracy').dataset.value) > 0.9", timeout=90000)
    seconds = time.monotonic() - started
    pause(page)
    accuracy = float(page.get_attribute("#test-accuracy", "data-value"))
    epoch = page.evaluate("lastFrame.epoch")
    print(f"spiral, {page.evaluate('settings.layers.length')} hidden layers: test accuracy "
          f"{100 * accuracy:.1f}% after {epoch} epochs ({seconds:.1f} s of play)")
    files = {}
    for link, name in [("#download-model", "model.safetensors"), ("#download-command", "train.sh"),
                       ("#download-runfile", "run.yaml"), ("#download-report", "report.html")]:
        with page.expect_download() as download:
            page.click(link)
        path = out / name
        download.value.save_as(path)
        check(path.stat().st_size > 0, f"the {name} download is empty")
        files[name] = path
    check("<svg" in files["report.html"].read_text(), "the report has no chart")
    check("generate: \"spiral\"" in files["run.yaml"].read_text() or "generate: spiral" in files["run.yaml"].read_text(),
          "the run file does not generate the spiral")

    # `backprop evaluate` on the page's own test points: the model must classify them as the page said.
    test = page.evaluate("data.test")
    features = page.evaluate("settings.features")
    check(features == ["x1", "x2"], f"unexpected features {features}")
    table = out / "test.csv"
    with table.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["x1", "x2", "class"])
        for x1, x2, y in zip(test["x1"], test["x2"], test["y"]):
            writer.writerow([repr(x1), repr(x2), int(y)])
    result = subprocess.run([backprop, "evaluate", "--model", str(files["model.safetensors"]), "--data", str(table)],
                            capture_output=True, text=True, timeout=120)
    check(result.returncode == 0, f"backprop evaluate failed: {result.stderr}")
    line = next((l for l in result.stdout.splitlines() if l.lower().startswith("accuracy")), None)
    check(line is not None, f"backprop evaluate printed no accuracy:\n{result.stdout}")
    evaluated = float(line.split()[-1].rstrip("%")) / (100 if line.strip().endswith("%") else 1)
    check(abs(evaluated - accuracy) < 1e-6, f"backprop evaluate says {evaluated}, the page {accuracy}")
    print(f"backprop evaluate on the page's {len(test['y'])} test points: {line.strip()}")

    # The page's command trains the same parameters, bit for bit.
    command = page.inner_text("#command").split()
    check(command[:2] == ["backprop", "train"], f"the page's command is {command[:2]}")
    rerun = out / "rerun.safetensors"
    arguments = [a.strip("'") for a in command[1:]]
    arguments[arguments.index("--save") + 1] = str(rerun)
    result = subprocess.run([backprop] + arguments, capture_output=True, text=True, timeout=300)
    check(result.returncode == 0, f"the page's command failed: {result.stderr}")
    downloaded, rerun_tensors = tensors(files["model.safetensors"]), tensors(rerun)
    check(downloaded.keys() == rerun_tensors.keys(), f"tensors differ: {downloaded.keys()} vs {rerun_tensors.keys()}")
    for name in downloaded:
        check(downloaded[name] == rerun_tensors[name], f"{name} differs between the download and the command's model")
    print(f"the page's command (--epochs {epoch}) wrote the downloaded model's {len(downloaded)} tensors bit for bit")


def tour(page):
    """Every data set trains; a feature cross, an activation, step, reset, new seed and the gradient check work."""
    for name in ["flower", "circles", "xor", "gaussians", "regression", "spiral"]:
        page.click(f"button[data-dataset={name}]")
        page.wait_for_function(f"settings.dataset === '{name}' && data && lastFrame && lastFrame.epoch === 0",
                               timeout=10000)
        press_play(page)
        page.wait_for_function("lastFrame.epoch >= 3", timeout=20000)
        pause(page)
        if name == "regression":
            check(page.evaluate("lastFrame.mse !== null && lastFrame.output.kind === 'value'"), "regression shows no ŷ")
    page.check("input[value='x1^2']")
    page.wait_for_function("lastFrame.units[0].length === 3 && lastFrame.weights[0][0].length === 3", timeout=10000)
    page.select_option("select[title^='g[1]']", "relu")
    page.wait_for_function("settings.layers[0].activation === 'relu' && lastFrame.iteration === 0", timeout=10000)
    page.click("#step")
    page.wait_for_function("lastFrame.iteration === 1 && lastFrame.examplesIntoEpoch > 0", timeout=10000)
    check("are not in it" in page.inner_text("#command-note"), "after a step the page does not say what the command covers")
    page.click("#reset")
    page.wait_for_function("lastFrame.iteration === 0", timeout=10000)
    seed = page.evaluate("settings.seed")
    page.click("#newSeed")
    page.wait_for_function(f"settings.seed !== {seed} && lastFrame.iteration === 0", timeout=10000)
    page.click("#gradcheck")
    page.wait_for_function("document.getElementById('gradcheck-result').textContent.includes('layer 3')", timeout=30000)
    page.select_option("#shapesLayer", "2")
    check("(8, 8)" in page.inner_text("#shapes"), "the shapes of layer 2 are not W[2] (8, 8)")
    print(f"tour: six data sets trained, x1² added, relu chosen, step/reset/new seed, gradient check: "
          f"{page.inner_text('#gradcheck-result').splitlines()[0]}")


def bad_requests(page):
    for layers, expected in [([{"units": 4, "activation": "swish"}], "unknown activation 'swish'"),
                             ([{"units": 10000, "activation": "relu"}], "10000 units")]:
        page.evaluate("(layers) => send({type: 'configure', settings: {...settings, layers}})", layers)
        page.wait_for_function(
            "(expected) => !document.getElementById('message').hidden"
            " && document.getElementById('message').textContent.includes(expected)", arg=expected, timeout=10000)
        print(f"bad request shown on the page: {page.inner_text('#message')!r}")
        page.evaluate("document.getElementById('message').hidden = true")


def measure(browser, url, errors):
    page = open_page(browser, url, errors, "page 1")
    page.evaluate("""() => { settings = {...settings, dataset: 'spiral', output: 'sigmoid', features: ['x1', 'x2'],
      layers: [{units: 8, activation: 'tanh'}, {units: 8, activation: 'tanh'}]}; configure(); }""")
    page.wait_for_function("settings.output === 'sigmoid' && lastFrame && lastFrame.units.length === 4", timeout=10000)
    count_frames(page)
    press_play(page)
    time.sleep(10)
    frames, paint = page.evaluate("[window.__frames, window.__paintMs]")
    pause(page)
    rate = frames / 10
    check(rate >= 15, f"the page received and painted only {rate:.1f} frames a second")
    print(f"2-8-8-1: {frames} frames received and painted in 10 s = {rate:.1f} frames/s "
          f"(painting {paint / max(frames, 1):.1f} ms a frame)")

    second = open_page(browser, url, errors, "page 2")
    count_frames(page)
    count_frames(second)
    press_play(page)
    press_play(second)
    time.sleep(1)
    started = time.monotonic()
    with urllib.request.urlopen(url + "/", timeout=10) as response:
        check(response.status == 200, "the server did not answer while two pages trained")
    latency = time.monotonic() - started
    time.sleep(4)
    counts = [page.evaluate("window.__frames"), second.evaluate("window.__frames")]
    pause(page)
    pause(second)
    sessions = {page.evaluate("session"), second.evaluate("session")}
    check(len(sessions) == 2, "the two pages share a session")
    check(all(c >= 20 for c in counts), f"two pages: frames in 5 s {counts}")
    print(f"two pages at once: {counts[0]} and {counts[1]} frames in 5 s ({counts[0] / 5:.1f} and {counts[1] / 5:.1f}/s), "
          f"own sessions; GET / answered in {1000 * latency:.0f} ms meanwhile")
    second.close()
    page.close()
    return rate


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--backprop", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--screenshot")
    parser.add_argument("--measure", action="store_true")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    errors = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = open_page(browser, args.url, errors, "page")
            learn_spiral(page, out, args.backprop, args.screenshot)
            bad_requests(page)
            tour(page)
            page.close()
            if args.measure:
                measure(browser, args.url, errors)
            check(not errors, "console or page errors:\n" + "\n".join(errors))
        except Failure as failure:
            print(f"FAILED: {failure}", file=sys.stderr)
            if errors:
                print("\n".join(errors), file=sys.stderr)
            sys.exit(1)
        finally:
            browser.close()
    print("playground end-to-end: passed")


if __name__ == "__main__":
    main()
