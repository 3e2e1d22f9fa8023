"use strict";
// The playground page: the controls send the settings to the Swift process over a WebSocket,
// which trains the network and streams frames back (at most ~30 a second while playing).
// Messages, all JSON:
//   page → server  {type: "configure", settings}   {type: "play" | "pause" | "step" | "reset" | "gradcheck"}
//   server → page  {type: "hello", session, version, limits}   {type: "data", …}   {type: "frame", …}
//                  {type: "gradcheck", …}   {type: "error", message}   {type: "settings", settings, command, runFile}

const ACTIVATIONS = ["identity", "step", "sigmoid", "tanh", "arctan", "relu", "leaky-relu", "prelu", "elu", "softplus"];
const DATASETS = [
  ["flower", "planar flower"], ["spiral", "spiral"], ["circles", "circles"],
  ["xor", "XOR"], ["gaussians", "two Gaussians"], ["regression", "regression"],
];
const FEATURES = [
  ["x1", "x₁"], ["x2", "x₂"], ["x1^2", "x₁²"], ["x2^2", "x₂²"], ["x1*x2", "x₁·x₂"], ["sin(x1)", "sin x₁"], ["sin(x2)", "sin x₂"],
];
const CLASS_COLOURS = [[47, 111, 176], [232, 130, 42], [46, 160, 90], [170, 60, 160], [200, 60, 60], [120, 120, 120]];
const NEGATIVE = [47, 111, 176], POSITIVE = [232, 130, 42];

let limits = { maxLayers: 8, maxUnits: 16 };
let settings = {
  dataset: "spiral", noise: 0.1, trainRatio: 0.7, seed: 1, features: ["x1", "x2"],
  layers: [{ units: 8, activation: "tanh" }, { units: 8, activation: "tanh" }],
  output: "softmax", initializer: "xavier", optimizer: "adam", learningRate: 0.03,
  l2: 0, dropout: 0, batchSize: 32,
};
let socket = null, session = null, playing = false;
let data = null, lastFrame = null, costHistory = [];

const $ = (id) => document.getElementById(id);

function showMessage(text) {
  const box = $("message");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(showMessage.timer);
  showMessage.timer = setTimeout(() => { box.hidden = true; }, 6000);
}

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function configure() {
  costHistory = [];
  send({ type: "configure", settings });
  renderNetwork();
}

// MARK: - Controls

function fillSelect(id, values, current, format = String) {
  const select = $(id);
  select.innerHTML = "";
  for (const v of values) {
    const option = document.createElement("option");
    option.value = String(v);
    option.textContent = format(v);
    if (v === current) option.selected = true;
    select.appendChild(option);
  }
}

function setUpControls() {
  fillSelect("learningRate", [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3], settings.learningRate);
  fillSelect("batchSize", [1, 8, 16, 32, 64, 128, 256], settings.batchSize);
  fillSelect("l2", [0, 0.0001, 0.001, 0.01, 0.1, 1], settings.l2);
  fillSelect("dropout", [0, 0.1, 0.2, 0.3, 0.5], settings.dropout);
  for (const [id, parse] of [["learningRate", Number], ["batchSize", Number], ["l2", Number], ["dropout", Number],
                             ["optimizer", String], ["initializer", String], ["output", String]]) {
    $(id).value = String(settings[id]);
    $(id).addEventListener("change", () => { settings[id] = parse($(id).value); configure(); });
  }
  const datasets = $("datasets");
  for (const [name, label] of DATASETS) {
    const button = document.createElement("button");
    button.dataset.dataset = name;
    button.title = label;
    button.innerHTML = `<canvas width="56" height="56"></canvas>${label}`;
    button.addEventListener("click", () => {
      settings.dataset = name;
      settings.output = name === "regression" ? "identity" : (name === "spiral" ? "softmax" : "sigmoid");
      configure();
    });
    datasets.appendChild(button);
  }
  const features = $("features");
  for (const [name, label] of FEATURES) {
    const row = document.createElement("label");
    row.innerHTML = `<input type="checkbox" value="${name}"> ${label}`;
    const box = row.querySelector("input");
    box.checked = settings.features.includes(name);
    box.addEventListener("change", () => {
      const chosen = FEATURES.map(([n]) => n).filter((n) =>
        features.querySelector(`input[value="${CSS.escape(n)}"]`).checked);
      if (chosen.length === 0) { box.checked = true; showMessage("the network needs at least one input feature"); return; }
      settings.features = chosen;
      configure();
    });
    features.appendChild(row);
  }
  $("noise").addEventListener("input", () => { $("noise-value").textContent = $("noise").value; });
  $("noise").addEventListener("change", () => { settings.noise = Number($("noise").value) / 100; configure(); });
  $("trainRatio").addEventListener("input", () => { $("trainRatio-value").textContent = $("trainRatio").value + "%"; });
  $("trainRatio").addEventListener("change", () => { settings.trainRatio = Number($("trainRatio").value) / 100; configure(); });
  $("newSeed").addEventListener("click", () => { settings.seed = 1 + Math.floor(Math.random() * 1e6); configure(); });
  $("addLayer").addEventListener("click", () => {
    if (settings.layers.length >= limits.maxLayers) { showMessage(`at most ${limits.maxLayers} hidden layers`); return; }
    const last = settings.layers[settings.layers.length - 1];
    settings.layers.push({ units: last ? last.units : 4, activation: last ? last.activation : "tanh" });
    configure();
  });
  $("removeLayer").addEventListener("click", () => {
    if (settings.layers.length === 0) return;
    settings.layers.pop();
    configure();
  });
  $("play").addEventListener("click", () => { send({ type: playing ? "pause" : "play" }); });
  $("step").addEventListener("click", () => { send({ type: "step" }); });
  $("reset").addEventListener("click", () => { costHistory = []; send({ type: "reset" }); });
  $("gradcheck").addEventListener("click", () => {
    $("gradcheck-result").textContent = "checking…";
    send({ type: "gradcheck" });
  });
  $("shapesLayer").addEventListener("change", renderShapes);
}

function reflectSettings() {
  for (const id of ["learningRate", "batchSize", "l2", "dropout", "optimizer", "initializer"]) $(id).value = String(settings[id]);
  const output = $("output");
  output.innerHTML = settings.dataset === "regression"
    ? `<option value="identity">identity (regression)</option>`
    : `<option value="sigmoid">sigmoid</option><option value="softmax">softmax</option>`;
  output.value = settings.output;
  $("noise").value = Math.round(settings.noise * 100);
  $("noise-value").textContent = $("noise").value;
  $("trainRatio").value = Math.round(settings.trainRatio * 100);
  $("trainRatio-value").textContent = $("trainRatio").value + "%";
  $("seed").textContent = settings.seed;
  for (const button of $("datasets").children) button.classList.toggle("selected", button.dataset.dataset === settings.dataset);
  for (const box of $("features").querySelectorAll("input")) box.checked = settings.features.includes(box.value);
  $("accuracy-label-train").textContent = settings.dataset === "regression" ? "MSE, train" : "accuracy, train";
  $("accuracy-label-test").textContent = settings.dataset === "regression" ? "MSE, test" : "accuracy, test";
}

// MARK: - Colours and heat maps

function mix(a, b, t) { return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t)); }

/// A value in [−1, 1] as a colour: blue for negative, white at 0, orange for positive.
function diverging(t) {
  t = Math.max(-1, Math.min(1, t));
  return t < 0 ? mix([255, 255, 255], NEGATIVE, -t) : mix([255, 255, 255], POSITIVE, t);
}

function decodeBytes(base64) {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/// A unit's A over the input plane (bytes 0…255 spanning [low, high]) painted on a canvas, 0 white.
function paintUnit(canvas, map, size) {
  const bytes = decodeBytes(map.values);
  const scale = Math.max(Math.abs(map.low), Math.abs(map.high)) || 1;
  const context = canvas.getContext("2d");
  const image = context.createImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    const value = map.low + (bytes[i] / 255) * (map.high - map.low);
    const [r, g, b] = diverging(value / scale);
    image.data.set([r, g, b, 255], i * 4);
  }
  paintScaled(context, image, size, canvas.width, canvas.height);
}

function paintScaled(context, image, size, width, height) {
  const buffer = document.createElement("canvas");
  buffer.width = size; buffer.height = size;
  buffer.getContext("2d").putImageData(image, 0, 0);
  context.imageSmoothingEnabled = true;
  context.drawImage(buffer, 0, 0, width, height);
}

// MARK: - The network drawing

const UNIT = 30, COLUMN = 112, ROW = 38, TOP = 54;

function renderNetwork() {
  const sizes = [settings.features.length, ...settings.layers.map((l) => l.units),
    settings.output === "softmax" ? ((data && data.classes) || 2) : 1];
  const width = COLUMN * (sizes.length - 1) + UNIT + 40;
  const height = TOP + ROW * Math.max(...sizes) + 10;
  const container = $("network");
  container.innerHTML = "";
  container.style.height = height + "px";
  container.style.width = width + "px";
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  svg.id = "edges";
  container.appendChild(svg);
  const position = (l, i) => [20 + l * COLUMN, TOP + i * ROW];
  for (let l = 1; l < sizes.length; l++) {
    for (let i = 0; i < sizes[l]; i++) {
      for (let j = 0; j < sizes[l - 1]; j++) {
        const [x1, y1] = position(l - 1, j), [x2, y2] = position(l, i);
        const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
        line.setAttribute("x1", x1 + UNIT); line.setAttribute("y1", y1 + UNIT / 2);
        line.setAttribute("x2", x2); line.setAttribute("y2", y2 + UNIT / 2);
        line.dataset.edge = `${l}:${i}:${j}`;
        line.setAttribute("stroke", "#ccc");
        line.setAttribute("stroke-width", "1");
        const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
        title.textContent = `W[${l}][${i + 1},${j + 1}]`;
        line.appendChild(title);
        svg.appendChild(line);
      }
    }
  }
  for (let l = 0; l < sizes.length; l++) {
    const [x] = position(l, 0);
    const header = document.createElement("div");
    header.className = "layer-controls";
    header.style.cssText = `position:absolute;left:${x - 36}px;top:0;width:${UNIT + 72}px`;
    if (l === 0) header.innerHTML = `A[0] = X<br>n[0] = ${sizes[0]}`;
    else if (l === sizes.length - 1) header.innerHTML = `A[${l}] output<br>${settings.output}`;
    else {
      const layer = settings.layers[l - 1];
      header.innerHTML = `A[${l}]: <button class="small" data-units="-1" title="Remove a unit">−</button>`
        + `${layer.units}<button class="small" data-units="1" title="Add a unit">+</button><br>`;
      const select = document.createElement("select");
      select.title = `g[${l}], layer ${l}'s activation`;
      for (const name of ACTIVATIONS) select.add(new Option(name, name, false, name === layer.activation));
      select.addEventListener("change", () => { layer.activation = select.value; configure(); });
      header.appendChild(select);
      for (const button of header.querySelectorAll("button")) {
        button.addEventListener("click", () => {
          const units = layer.units + Number(button.dataset.units);
          if (units < 1) { showMessage("a hidden layer needs at least one unit"); return; }
          if (units > limits.maxUnits) { showMessage(`at most ${limits.maxUnits} units per layer`); return; }
          layer.units = units;
          configure();
        });
      }
    }
    container.appendChild(header);
    for (let i = 0; i < sizes[l]; i++) {
      const [ux, uy] = position(l, i);
      const canvas = document.createElement("canvas");
      canvas.width = UNIT; canvas.height = UNIT;
      canvas.className = "unit";
      canvas.dataset.unit = `${l}:${i}`;
      canvas.title = l === 0 ? `feature ${settings.features[i]}` : `unit ${i + 1} of layer ${l}: A[${l}][${i + 1}] over the plane`;
      canvas.style.cssText = `position:absolute;left:${ux}px;top:${uy}px;border:1px solid #bbb`;
      container.appendChild(canvas);
    }
  }
  $("layer-count").textContent = `L = ${sizes.length - 1}: n = [${sizes.join(", ")}]`;
  const shapesLayer = $("shapesLayer");
  const chosen = Number(shapesLayer.value) || 1;
  shapesLayer.innerHTML = "";
  for (let l = 1; l < sizes.length; l++) shapesLayer.add(new Option(String(l), String(l), false, l === Math.min(chosen, sizes.length - 1)));
  renderShapes();
  if (lastFrame) paintFrame(lastFrame);
}

function paintFrame(frame) {
  for (let l = 0; l < frame.units.length; l++) {
    for (let i = 0; i < frame.units[l].length; i++) {
      const canvas = document.querySelector(`canvas[data-unit="${l}:${i}"]`);
      if (canvas) paintUnit(canvas, frame.units[l][i], frame.unitSize);
    }
  }
  const largest = Math.max(1e-9, ...frame.weights.flat(2).map(Math.abs));
  for (let l = 1; l <= frame.weights.length; l++) {
    const w = frame.weights[l - 1];
    for (let i = 0; i < w.length; i++) {
      for (let j = 0; j < w[i].length; j++) {
        const line = document.querySelector(`line[data-edge="${l}:${i}:${j}"]`);
        if (!line) continue;
        const t = w[i][j] / largest;
        const [r, g, b] = diverging(Math.sign(t) * Math.max(0.25, Math.abs(t)));
        line.setAttribute("stroke", `rgb(${r},${g},${b})`);
        line.setAttribute("stroke-width", (0.4 + 4 * Math.abs(t)).toFixed(2));
        line.firstChild.textContent = `W[${l}][${i + 1},${j + 1}] = ${w[i][j].toPrecision(4)}`;
      }
    }
  }
}

// MARK: - Shapes, with the notes' formulas

function renderShapes() {
  const l = Number($("shapesLayer").value) || 1;
  const sizes = [settings.features.length, ...settings.layers.map((x) => x.units),
    settings.output === "softmax" ? ((data && data.classes) || 2) : 1];
  const m = lastFrame ? lastFrame.batch : settings.batchSize;
  $("shapes-m").textContent = m;
  const n = sizes[l], nPrevious = sizes[l - 1];
  const last = l === sizes.length - 1;
  const g = last ? settings.output : settings.layers[l - 1].activation;
  const rows = [
    ["W[l]", `(${n}, ${nPrevious})`, "(n[l], n[l−1])", "learned; W[l] := W[l] − α·dW[l]"],
    ["b[l]", `(${n}, 1)`, "(n[l], 1)", "learned; b[l] := b[l] − α·db[l]"],
    ["Z[l]", `(${n}, ${m})`, "(n[l], m)", "Z[l] = W[l]·A[l−1] + b[l]"],
    ["A[l]", `(${n}, ${m})`, "(n[l], m)", `A[l] = g[l](Z[l]), g = ${g}`],
    ["dZ[l]", `(${n}, ${m})`, "(n[l], m)", last && settings.output !== "identity" ? "dZ[L] = A[L] − Y" : (last ? "dZ[L] = A[L] − Y (squared error)" : "dZ[l] = dA[l] * g[l]′(Z[l])")],
    ["dW[l]", `(${n}, ${nPrevious})`, "(n[l], n[l−1])", "dW[l] = (1/m) dZ[l]·A[l−1]ᵀ"],
    ["db[l]", `(${n}, 1)`, "(n[l], 1)", "db[l] = (1/m) Σ columns of dZ[l]"],
    ["dA[l−1]", `(${nPrevious}, ${m})`, "(n[l−1], m)", "dA[l−1] = W[l]ᵀ·dZ[l]"],
  ];
  $("shapes").innerHTML = `<tr><th></th><th>shape</th><th></th><th>formula</th></tr>` + rows.map(([name, shape, general, formula]) =>
    `<tr><td><b>${name.replace("[l]", `[${l}]`).replace("[l−1]", `[${l - 1}]`)}</b></td><td data-shape="${name}">${shape}</td>`
    + `<td class="formula">${general}</td><td class="formula">${formula}</td></tr>`).join("");
}

// MARK: - The output plane and the cost chart

function paintBoundary(frame) {
  const canvas = $("boundary"), context = canvas.getContext("2d");
  const size = frame.outputSize, bytes = decodeBytes(frame.output.values);
  const image = context.createImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    let colour;
    if (frame.output.kind === "classes") {
      // The predicted class's colour, deeper where the network is surer (p from 1/K to 1).
      const sure = frame.output.confidenceBytes ? frame.output.confidenceBytes[i] / 255 : 1;
      colour = mix([255, 255, 255], CLASS_COLOURS[bytes[i] % CLASS_COLOURS.length], 0.15 + 0.5 * sure);
    } else {
      const value = frame.output.low + (bytes[i] / 255) * (frame.output.high - frame.output.low);
      const scale = Math.max(Math.abs(frame.output.low), Math.abs(frame.output.high)) || 1;
      colour = diverging(frame.output.kind === "probability" ? (value - 0.5) * 2 : value / scale);
      colour = mix([255, 255, 255], colour, 0.75);
    }
    image.data.set([...colour, 255], i * 4);
  }
  paintScaled(context, image, size, canvas.width, canvas.height);
  if (!data) return;
  const [x0, x1, y0, y1] = data.extent;
  const toX = (x) => ((x - x0) / (x1 - x0)) * canvas.width;
  const toY = (y) => canvas.height - ((y - y0) / (y1 - y0)) * canvas.height;
  for (const [set, filled] of [[data.test, false], [data.train, true]]) {
    for (let k = 0; k < set.x1.length; k++) {
      const colour = data.kind === "regression"
        ? diverging(set.y[k] / (data.targetScale || 1)) : CLASS_COLOURS[set.y[k] % CLASS_COLOURS.length];
      context.beginPath();
      context.arc(toX(set.x1[k]), toY(set.x2[k]), 3.2, 0, 2 * Math.PI);
      context.fillStyle = filled ? `rgb(${colour.join(",")})` : "#fff";
      context.strokeStyle = filled ? "#fff" : `rgb(${colour.join(",")})`;
      context.lineWidth = filled ? 1 : 1.6;
      context.fill();
      context.stroke();
    }
  }
}

function paintCosts() {
  const canvas = $("costs"), context = canvas.getContext("2d");
  context.clearRect(0, 0, canvas.width, canvas.height);
  if (costHistory.length < 2) return;
  const values = costHistory.flatMap((p) => [p.train, p.test]).filter(Number.isFinite);
  const high = Math.max(...values), low = Math.min(0, ...values);
  const first = costHistory[0].iteration, last = costHistory[costHistory.length - 1].iteration;
  const toX = (i) => 30 + ((i - first) / Math.max(1, last - first)) * (canvas.width - 40);
  const toY = (v) => 10 + (1 - (v - low) / Math.max(1e-12, high - low)) * (canvas.height - 30);
  context.strokeStyle = "#d9dee6";
  context.beginPath(); context.moveTo(30, 10); context.lineTo(30, canvas.height - 20); context.lineTo(canvas.width - 10, canvas.height - 20); context.stroke();
  context.fillStyle = "#6b7483";
  context.font = "11px system-ui, sans-serif";
  context.fillText(high.toPrecision(3), 0, 14);
  context.fillText(String(first), 30, canvas.height - 6);
  context.fillText(String(last), canvas.width - 40, canvas.height - 6);
  context.fillText("J per iteration: train —, test - -", 120, canvas.height - 6);
  for (const [key, dash, colour] of [["train", [], "#1d2430"], ["test", [5, 4], "#e8822a"]]) {
    context.setLineDash(dash);
    context.strokeStyle = colour;
    context.beginPath();
    costHistory.forEach((p, k) => { if (k === 0) context.moveTo(toX(p.iteration), toY(p[key])); else context.lineTo(toX(p.iteration), toY(p[key])); });
    context.stroke();
  }
  context.setLineDash([]);
}

function paintDatasetThumbnails() {
  // Each data set's button shows its shape: drawn once from the server's preview points.
  if (!data || !data.previews) return;
  for (const button of $("datasets").children) {
    const preview = data.previews[button.dataset.dataset];
    if (!preview) continue;
    const canvas = button.querySelector("canvas"), context = canvas.getContext("2d");
    context.clearRect(0, 0, 56, 56);
    for (let k = 0; k < preview.x1.length; k++) {
      const colour = button.dataset.dataset === "regression"
        ? diverging(preview.y[k]) : CLASS_COLOURS[preview.y[k] % CLASS_COLOURS.length];
      context.fillStyle = `rgb(${colour.join(",")})`;
      context.fillRect(28 + preview.x1[k] * 26, 28 - preview.x2[k] * 26, 2, 2);
    }
  }
}

// MARK: - Messages from the server

const percent = (value) => (100 * value).toFixed(1) + "%";

function receive(message) {
  switch (message.type) {
    case "hello":
      session = message.session;
      limits = message.limits || limits;
      $("version").textContent = message.version;
      configure();
      break;
    case "settings":
      settings = message.settings;
      reflectSettings();
      renderNetwork();
      $("command").textContent = message.command;
      for (const [id, file] of [["download-model", "model.safetensors"], ["download-command", "train.sh"],
                                ["download-runfile", "run.yaml"], ["download-report", "report.html"]]) {
        $(id).href = `/session/${session}/${file}`;
      }
      break;
    case "data":
      data = message;
      if (data.previews) paintDatasetThumbnails();
      renderNetwork();
      break;
    case "frame": {
      lastFrame = message;
      if (message.output.confidence) message.output.confidenceBytes = decodeBytes(message.output.confidence);
      playing = message.playing;
      $("play").textContent = playing ? "❚❚ pause" : "▶ play";
      $("iteration").textContent = message.iteration;
      $("epoch").textContent = message.epoch;
      $("train-cost").textContent = message.cost.train.toFixed(4);
      $("test-cost").textContent = message.cost.test.toFixed(4);
      if (message.accuracy) {
        $("train-accuracy").textContent = percent(message.accuracy.train);
        $("test-accuracy").textContent = percent(message.accuracy.test);
        $("test-accuracy").dataset.value = String(message.accuracy.test);
      }
      $("output-note").textContent = message.output.kind === "value" ? "ŷ over the plane" : "the predicted class over the plane";
      const previous = costHistory[costHistory.length - 1];
      if (previous && message.iteration < previous.iteration) costHistory = [];
      if (!previous || message.iteration > previous.iteration) {
        costHistory.push({ iteration: message.iteration, train: message.cost.train, test: message.cost.test });
        if (costHistory.length > 600) costHistory = costHistory.filter((_, k) => k % 2 === 0);
      }
      $("warnings").innerHTML = (message.warnings || []).map((w) => `<li>${escapeHTML(w)}</li>`).join("");
      if (message.command) {
        // The command reproduces the epochs completed; steps into an unfinished epoch are not in it.
        $("command").textContent = message.command;
        $("command-note").textContent = message.examplesIntoEpoch > 0
          ? `reproduces the ${message.epoch} epochs completed; the ${message.examplesIntoEpoch} examples stepped into epoch ${message.epoch + 1} are not in it (play or pause to finish the epoch)`
          : `reproduces this run: ${message.epoch} epochs, the same parameters bit for bit${message.playing ? " (pause first: pausing finishes the epoch in progress)" : ""}`;
      }
      if (message.mse) {
        $("train-accuracy").textContent = message.mse.train.toFixed(4);
        $("test-accuracy").textContent = message.mse.test.toFixed(4);
      }
      paintFrame(message);
      paintBoundary(message);
      paintCosts();
      if (Number($("shapes-m").textContent) !== message.batch) renderShapes();
      break;
    }
    case "gradcheck":
      $("gradcheck-result").innerHTML =
        `<span class="${message.passed ? "pass" : "fail"}">${message.passed ? "passed" : "failed"}</span> `
        + `(relative error below ${message.threshold.toExponential(0)} passes)<table>`
        + message.layers.map((row) => `<tr><td>layer ${row.layer}</td><td class="${row.relativeError < message.threshold ? "pass" : "fail"}">`
          + `${row.relativeError.toExponential(2)}</td></tr>`).join("") + `</table>`
        + `<p class="note">${escapeHTML(message.note || "")}</p>`;
      break;
    case "error":
      showMessage(message.message);
      if (message.settings) { settings = message.settings; reflectSettings(); renderNetwork(); }
      break;
  }
}

function escapeHTML(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function connect() {
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/socket";
  socket = new WebSocket(url);
  socket.addEventListener("open", () => { $("connection").textContent = "connected"; });
  socket.addEventListener("message", (event) => receive(JSON.parse(event.data)));
  socket.addEventListener("close", () => {
    $("connection").textContent = "disconnected: the backprop process stopped (run `backprop playground` again)";
    playing = false;
    $("play").textContent = "▶ play";
  });
}

setUpControls();
reflectSettings();
renderNetwork();
connect();
