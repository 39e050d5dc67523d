// draw_page.hpp — draw.html: one self-contained web page (no network, no library) on which a
// student draws a digit for the trained MLP. It embeds the MLP's parameters and runs, in plain
// JavaScript, the same steps as the C++ program: the pen and MNIST's preprocessing of digits.hpp
// (drawing → ink bounding box → scaled to fit 20×20 → centred by its centre of mass in 28×28),
// and 001's forward pass (network.hpp), showing each step and the ten probabilities as bars.
//
// The parameters are the float32 values in the order of the model file (model_file.hpp: Wh, bh,
// Wo, bo, each row-major), little-endian, base64-encoded: 4/3 byte per byte, 543 kB for
// 784-128-10. The page names the run that trained them.
//
// Two modes for tests, chosen by the address's fragment: draw.html#example draws the example
// digit at once (for a screenshot), and draw.html#selftest reads draw_selftest.js beside it
// (SELFTEST = {images: base64 of n 28×28 images, count: n, strokes: [[[x, y], …], …]}), feeds
// each image to the same function a drawing reaches after its preprocessing, draws the strokes
// with the pen, and writes every number into <pre id="selftest-output"> for the test to compare.
#pragma once

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include "chapters/chapter4_mnist_softmax/digits.hpp"
#include "chapters/chapter4_mnist_softmax/network.hpp"
#include "common/files.hpp"
#include "common/summary.hpp"

namespace ch4 {

// Which run produced the weights, as the page says it.
struct PageRun {
    std::string trained_by, test_accuracy;   // the training run's command line and test accuracy
    std::string loaded_from, loaded_by;            // for a --load run: the model file and the command
};

// RFC 4648 base64 of the bytes.
inline std::string base64(std::string_view bytes) {
    static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string s;
    s.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        std::uint32_t v = std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
        if (i + 1 < bytes.size()) v |= std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
        if (i + 2 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 2]);
        s += digits[v >> 18 & 63];
        s += digits[v >> 12 & 63];
        s += i + 1 < bytes.size() ? digits[v >> 6 & 63] : '=';
        s += i + 2 < bytes.size() ? digits[v & 63] : '=';
    }
    return s;
}

// Text for HTML: & < > " ' escaped.
inline std::string html_escape(std::string_view text) {
    std::string s;
    for (const char c : text) {
        switch (c) {
            case '&': s += "&amp;"; break;
            case '<': s += "&lt;"; break;
            case '>': s += "&gt;"; break;
            case '"': s += "&quot;"; break;
            case '\'': s += "&#39;"; break;
            default: s += c;
        }
    }
    return s;
}

// The network's parameters, float32 little-endian, in the model file's order.
inline std::string parameter_bytes(const Network<float>& net) {
    std::string s;
    for (const Matrix<float>* m : {&net.Wh, &net.bh, &net.Wo, &net.bo})
        for (std::size_t k = 0; k < m->size(); ++k) {
            std::uint32_t u;
            std::memcpy(&u, &(*m)[k], 4);
            for (int shift = 0; shift < 32; shift += 8) s += static_cast<char>((u >> shift) & 0xFF);
        }
    return s;
}

// The page's text and code; @RUN@ and @MODEL@ are replaced by write_draw_page.
inline constexpr std::string_view kDrawPageHead = R"page(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Draw a digit — chapter 4's MLP</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 1.2em 2em; color: #222; max-width: 62em; }
h1 { font-size: 1.5em; margin: 0 0 .2em; } h2 { font-size: 1.1em; margin: 1.2em 0 .4em; }
.run { color: #555; margin-top: 0; } code { font-size: .92em; background: #f3f3f3; padding: 0 .2em; }
.row { display: flex; gap: 2.5em; align-items: flex-start; flex-wrap: wrap; }
#pad { width: 420px; height: 420px; border: 1px solid #999; touch-action: none; cursor: crosshair; }
#bars { min-width: 19em; } .bar { display: flex; align-items: center; gap: .5em; height: 1.9em; }
.bar b { width: 1em; font-size: 1.2em; } .bar i { width: 4.5em; font-style: normal; text-align: right; color: #555; }
.bar span { display: inline-block; height: 1.2em; background: #0072B2; min-width: 1px; }
.bar.top b, .bar.top i { color: #D55E00; font-weight: bold; } .bar.top span { background: #D55E00; }
.steps { display: flex; gap: 1.5em; flex-wrap: wrap; } figure { margin: 0; width: 168px; }
.steps canvas { width: 140px; height: 140px; image-rendering: pixelated; background: #000; border: 1px solid #999; }
figcaption { font-size: .9em; color: #444; }
</style>
</head>
<body>
<h1>Draw a digit</h1>
<p class="run">@RUN@</p>
<div class="row">
<div><canvas id="pad" width="280" height="280"></canvas>
<p><button id="clear">Clear</button> <button id="show-example">Example</button>
<span id="answer"></span></p></div>
<div id="bars"></div>
</div>
<h2>What the network sees: MNIST's preprocessing</h2>
<div class="steps">
<figure><canvas id="step-box"></canvas><figcaption>1. the ink's bounding box, red on the drawing: <span id="text-box">—</span></figcaption></figure>
<figure><canvas id="step-fit" width="20" height="20"></canvas><figcaption>2. scaled to fit 20×20, keeping its shape: <span id="text-fit">—</span></figcaption></figure>
<figure><canvas id="step-field" width="28" height="28"></canvas><figcaption>3. placed in 28×28 so that its centre of mass is at the centre: <span id="text-field">—</span></figcaption></figure>
</div>
<p>MNIST's digits were made this way (LeCun, Cortes &amp; Burges): each scaled to fit a 20×20 box and
centred by its centre of mass in a 28×28 field, light ink on black. The network learned digits of
that size and place only; without these steps it would see a digit drawn small or in a corner as
something it has never seen. Pixels with less than 10 % ink count as paper. The same steps, in the
same arithmetic, are <code>digits.hpp</code>; the forward pass is <code>network.hpp</code>.</p>
<pre id="selftest-output" hidden></pre>
<script>
"use strict";
const MODEL = @MODEL@;
)page";

inline constexpr std::string_view kDrawPageScript = R"page(
// ---- The parameters, in network.hpp's shapes (row-major): Wh D×H, bh H, Wo H×K, bo K.
const D = MODEL.inputs, H = MODEL.hidden, K = MODEL.classes;
const bytes = b64 => Uint8Array.from(atob(b64), c => c.charCodeAt(0));
const P = (() => {
  const v = new DataView(bytes(MODEL.params).buffer), p = new Float32Array(v.byteLength / 4);
  for (let k = 0; k < p.length; k++) p[k] = v.getFloat32(4 * k, true);   // little-endian float32
  return p;
})();
const Wh = P.subarray(0, D * H), bh = P.subarray(D * H, D * H + H);
const Wo = P.subarray(D * H + H, D * H + H + H * K), bo = P.subarray(D * H + H + H * K);

// ---- 001's forward pass for one image x (D pixels / 255), as network.hpp computes it:
//   z_h = x·Wh + bh, a_h = R(z_h) = max(0, z_h)        (§Backpropagation; Table 1, ReLU)
//   z_o = a_h·Wo + bo                                  (the output layer)
//   a_k = S(z_o)_k = e^(z_k − max z) / Σ_j e^(z_j − max z)   (§Choice of loss, the softmax)
// The predicted digit is the index of the largest z_o (001 Methods).
function forward(image) {
  const x = Array.from(image, v => v / 255), ah = new Float64Array(H), z = new Float64Array(K);
  for (let j = 0; j < H; j++) {
    let s = 0;
    for (let i = 0; i < D; i++) s += x[i] * Wh[i * H + j];
    ah[j] = Math.max(0, s + bh[j]);
  }
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let j = 0; j < H; j++) s += ah[j] * Wo[j * K + k];
    z[k] = s + bo[k];
  }
  const m = Math.max(...z), e = Array.from(z, v => Math.exp(v - m)), sum = e.reduce((a, b) => a + b, 0);
  return { a: e.map(v => v / sum), digit: z.indexOf(m) };
}

// ---- The pen (digits.hpp, pen_segment): a round pen of radius 12 on the 280×280 canvas; a pixel's
// ink is the pen's coverage r + ½ − d (d: distance from its centre to the stroke), 0 … 255.
const CANVAS = 280, PEN = 12, FIELD = 28, FIT = 20;
let ink = new Uint8Array(CANVAS * CANVAS);
function penSegment(p, q) {
  const r = PEN, ex = q[0] - p[0], ey = q[1] - p[1], len2 = ex * ex + ey * ey;
  const loX = Math.max(0, Math.floor(Math.min(p[0], q[0]) - r - 1)), hiX = Math.min(CANVAS, Math.ceil(Math.max(p[0], q[0]) + r + 1));
  const loY = Math.max(0, Math.floor(Math.min(p[1], q[1]) - r - 1)), hiY = Math.min(CANVAS, Math.ceil(Math.max(p[1], q[1]) + r + 1));
  for (let y = loY; y < hiY; y++)
    for (let x = loX; x < hiX; x++) {
      const cx = x + 0.5, cy = y + 0.5;
      let t = len2 > 0 ? ((cx - p[0]) * ex + (cy - p[1]) * ey) / len2 : 0;
      t = Math.min(1, Math.max(0, t));
      const ux = p[0] + t * ex - cx, uy = p[1] + t * ey - cy;
      const c = Math.min(1, Math.max(0, r + 0.5 - Math.sqrt(ux * ux + uy * uy)));
      ink[y * CANVAS + x] = Math.max(ink[y * CANVAS + x], Math.floor(255 * c + 0.5));
    }
}

// ---- MNIST's preprocessing (digits.hpp: ink_box, fit_size, area_weights, fit_box, centre_by_mass).
const inkValue = k => (10 * ink[k] >= 255 ? ink[k] / 255 : 0);   // below 10 %: paper
function inkBox() {
  let x0 = CANVAS, y0 = CANVAS, x1 = 0, y1 = 0;
  for (let i = 0; i < CANVAS; i++)
    for (let j = 0; j < CANVAS; j++)
      if (inkValue(i * CANVAS + j) > 0) { x0 = Math.min(x0, j); x1 = Math.max(x1, j + 1); y0 = Math.min(y0, i); y1 = Math.max(y1, i + 1); }
  return x1 === 0 ? null : { x0, y0, width: x1 - x0, height: y1 - y0 };
}
function areaWeights(nIn, nOut) {   // output u covers [u·nIn/nOut, (u+1)·nIn/nOut) of the input
  const taps = [];
  for (let u = 0; u < nOut; u++) {
    const a = (u * nIn) / nOut, b = ((u + 1) * nIn) / nOut, t = [];
    for (let c = Math.floor(a); c < b && c < nIn; c++) {
      const overlap = Math.min(c + 1, b) - Math.max(c, a);
      if (overlap > 0) t.push([c, overlap * nOut / nIn]);
    }
    taps.push(t);
  }
  return taps;
}
function preprocess() {
  const box = inkBox();
  if (!box) return null;
  const m = Math.max(box.width, box.height);
  const fw = Math.max(1, Math.floor((2 * FIT * box.width + m) / (2 * m))), fh = Math.max(1, Math.floor((2 * FIT * box.height + m) / (2 * m)));
  const wx = areaWeights(box.width, fw), wy = areaWeights(box.height, fh);
  const rows = new Float64Array(box.height * fw), fitted = new Float64Array(fh * fw);
  for (let r = 0; r < box.height; r++)
    for (let u = 0; u < fw; u++) {
      let s = 0;
      for (const [c, w] of wx[u]) s += w * inkValue((box.y0 + r) * CANVAS + box.x0 + c);
      rows[r * fw + u] = s;
    }
  for (let v = 0; v < fh; v++)
    for (let u = 0; u < fw; u++) {
      let s = 0;
      for (const [r, w] of wy[v]) s += w * rows[r * fw + u];
      fitted[v * fw + u] = s;
    }
  let mass = 0, sx = 0, sy = 0;
  for (let v = 0; v < fh; v++)
    for (let u = 0; u < fw; u++) { const f = fitted[v * fw + u]; mass += f; sx += f * u; sy += f * v; }
  const cx = sx / mass, cy = sy / mass, dx = Math.floor(FIELD / 2 - cx + 0.5), dy = Math.floor(FIELD / 2 - cy + 0.5);
  const image = new Uint8Array(FIELD * FIELD);
  for (let v = 0; v < fh; v++)
    for (let u = 0; u < fw; u++) {
      const i = v + dy, j = u + dx;
      if (i >= 0 && j >= 0 && i < FIELD && j < FIELD) image[i * FIELD + j] = Math.min(255, Math.floor(255 * fitted[v * fw + u] + 0.5));
    }
  return { box, fw, fh, fitted, cx, cy, dx, dy, image };
}

// ---- Showing it: the drawing (black on white), the steps (white on black, as MNIST), the bars.
const $ = id => document.getElementById(id), pad = $("pad"), ctx = pad.getContext("2d");
function paint(canvas, w, h, value) {   // value(i, j) in 0 … 255: white ink on black, 140 pixels at most
  canvas.width = w; canvas.height = h;
  canvas.style.width = `${140 * w / Math.max(w, h)}px`; canvas.style.height = `${140 * h / Math.max(w, h)}px`;
  const c = canvas.getContext("2d"), img = c.createImageData(w, h);
  for (let k = 0; k < w * h; k++) { const v = value(Math.floor(k / w), k % w); img.data.set([v, v, v, 255], 4 * k); }
  c.putImageData(img, 0, 0);
}
function showBars(a, digit) {
  $("bars").innerHTML = a.map((p, k) => `<div class="bar${k === digit ? " top" : ""}"><b>${k}</b>` +
    `<span style="width:${(14 * p).toFixed(2)}em"></span><i>${(100 * p).toFixed(1)} %</i></div>`).join("");
  $("answer").textContent = digit === null ? "" : `the network says ${digit} (${(100 * a[digit]).toFixed(1)} %)`;
}
function classify(image) {   // a preprocessed 28×28 image (bytes) → the network's answer, shown
  const r = forward(image);
  showBars(r.a, r.digit);
  return r;
}
function update() {   // after every stroke: preprocessing → network
  const img = ctx.createImageData(CANVAS, CANVAS);
  for (let k = 0; k < ink.length; k++) img.data.set([255 - ink[k], 255 - ink[k], 255 - ink[k], 255], 4 * k);
  ctx.putImageData(img, 0, 0);
  const p = preprocess();
  if (!p) { showBars(new Array(K).fill(0), null); return null; }
  ctx.strokeStyle = "#D55E00"; ctx.lineWidth = 2;
  ctx.strokeRect(p.box.x0 - 1, p.box.y0 - 1, p.box.width + 2, p.box.height + 2);
  paint($("step-box"), p.box.width, p.box.height, (i, j) => ink[(p.box.y0 + i) * CANVAS + p.box.x0 + j]);
  const ox = Math.floor((FIT - p.fw) / 2), oy = Math.floor((FIT - p.fh) / 2);
  paint($("step-fit"), FIT, FIT, (i, j) => (i < oy || j < ox || i >= oy + p.fh || j >= ox + p.fw ? 0 :
    Math.floor(255 * p.fitted[(i - oy) * p.fw + j - ox] + 0.5)));
  paint($("step-field"), FIELD, FIELD, (i, j) => p.image[i * FIELD + j]);
  $("text-box").textContent = `${p.box.width}×${p.box.height} pixels at (${p.box.x0}, ${p.box.y0})`;
  $("text-fit").textContent = `${p.fw}×${p.fh}, centre of mass (${p.cx.toFixed(1)}, ${p.cy.toFixed(1)})`;
  $("text-field").textContent = `moved by (${p.dx}, ${p.dy}): centre of mass at (${(p.cx + p.dx).toFixed(1)}, ${(p.cy + p.dy).toFixed(1)})`;
  return Object.assign(p, classify(p.image));
}

// ---- Drawing with mouse, pen or finger: a dot where it goes down, a segment to each next point.
let last = null, pending = false;
const at = e => { const r = pad.getBoundingClientRect(); return [(e.clientX - r.left) * CANVAS / r.width, (e.clientY - r.top) * CANVAS / r.height]; };
const later = () => { if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; update(); }); } };
pad.addEventListener("pointerdown", e => { pad.setPointerCapture(e.pointerId); last = at(e); penSegment(last, last); later(); });
pad.addEventListener("pointermove", e => { if (!last) return; const p = at(e); penSegment(last, p); last = p; later(); });
pad.addEventListener("pointerup", () => { last = null; });
function clear() { ink = new Uint8Array(CANVAS * CANVAS); update(); }
function drawStrokes(strokes) { for (const s of strokes) s.forEach((p, k) => penSegment(s[k === 0 ? 0 : k - 1], p)); return update(); }
const EXAMPLE = [[[88, 74], [110, 56], [142, 48], [172, 56], [186, 80], [180, 110], [156, 136], [120, 166], [92, 196], [80, 214],
                  [112, 212], [150, 210], [190, 212]]];   // a 2
$("clear").onclick = clear;
$("show-example").onclick = () => { clear(); drawStrokes(EXAMPLE); };

// ---- The self-test (draw.html#selftest, with draw_selftest.js beside the page).
function selftest() {
  const out = [], images = bytes(SELFTEST.images);
  for (let n = 0; n < SELFTEST.count; n++) {
    const r = classify(images.subarray(n * D, (n + 1) * D));
    out.push(`image ${n} ${r.digit} ${r.a.map(p => p.toExponential(10)).join(" ")}`);
  }
  clear();
  const p = drawStrokes(SELFTEST.strokes);
  out.push(`strokes box ${p.box.x0} ${p.box.y0} ${p.box.width} ${p.box.height} fit ${p.fw} ${p.fh} shift ${p.dx} ${p.dy}`);
  out.push(`strokes image ${Array.from(p.image).join(" ")}`);
  out.push(`strokes digit ${p.digit} ${p.a.map(q => q.toExponential(10)).join(" ")}`);
  $("selftest-output").textContent = out.join("\n") + "\nselftest done\n";
}
if (location.hash === "#selftest") {
  const s = document.createElement("script");
  s.src = "draw_selftest.js";
  s.onload = selftest;
  s.onerror = () => { $("selftest-output").textContent = "selftest: draw_selftest.js could not be read\n"; };
  document.body.append(s);
} else if (location.hash === "#example") drawStrokes(EXAMPLE);
else update();
</script>
</body>
</html>
)page";

// The sentence that says which run produced the weights.
inline std::string page_run_html(const Network<float>& net, const PageRun& run) {
    std::string s = "Weights of the " + html_escape(std::to_string(net.inputs) + "-" + std::to_string(net.hidden) + "-" +
                                                    std::to_string(net.classes)) +
                    " ReLU MLP trained by <code>" + html_escape(run.trained_by) + "</code>";
    if (!run.test_accuracy.empty()) s += " (test accuracy " + html_escape(run.test_accuracy) + ")";
    if (!run.loaded_from.empty())
        s += "; saved in " + html_escape(run.loaded_from) + " and loaded by <code>" + html_escape(run.loaded_by) + "</code>";
    return s + ".";
}

// Write draw.html for an MLP into `path`.
inline void write_draw_page(const std::filesystem::path& path, const Network<float>& net, const PageRun& run) {
    std::string head(kDrawPageHead);
    const std::string model = "{inputs: " + std::to_string(net.inputs) + ", hidden: " + std::to_string(net.hidden) +
                              ", classes: " + std::to_string(net.classes) + ",\n  params: \"" +
                              base64(parameter_bytes(net)) + "\"}";
    head.replace(head.find("@RUN@"), 5, page_run_html(net, run));
    head.replace(head.find("@MODEL@"), 7, model);
    files::write_atomic(path, head + std::string(kDrawPageScript));
}

// draw.html in the result folder `out`, and its section of summary.md.
inline summary::Section draw_page_section(const std::filesystem::path& out, const Network<float>& net, const PageRun& run) {
    write_draw_page(out / "draw.html", net, run);
    return {"Draw a digit",
            "[draw.html](draw.html): draw a digit with the mouse or a finger and watch this MLP classify it, "
            "with MNIST's preprocessing shown step by step. The page holds the network's parameters and its "
            "forward pass in plain JavaScript, and needs no network connection."};
}

}  // namespace ch4
