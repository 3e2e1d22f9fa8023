"""The baseline for benchmarks/serve-load.sh: the same model, exported with
`backprop export`, behind FastAPI + uvicorn running ONNX Runtime, with the same
JSON in and out as `backprop serve`:

    POST /predict {"instances": [[x1, x2, ...], ...]}
      -> {"predictions": [{"class": <name or index>, "probabilities": [...]}, ...]}

    MODEL=m.onnx uvicorn onnx_server:app --port 8081 --workers 1 --no-access-log

One process, one ONNX Runtime thread (ORT_THREADS, default 1), one request at a
time on the event loop (the model's run is short; this is the usual minimal endpoint).
"""

import json
import os

import numpy as np
import onnxruntime as ort
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

options = ort.SessionOptions()
options.intra_op_num_threads = int(os.environ.get("ORT_THREADS", "1"))
options.inter_op_num_threads = 1
session = ort.InferenceSession(os.environ["MODEL"], options, providers=["CPUExecutionProvider"])
metadata = session.get_modelmeta().custom_metadata_map
class_names = json.loads(metadata["class_names"]) if "class_names" in metadata else None
dtype = np.float64 if session.get_inputs()[0].type == "tensor(double)" else np.float32

app = FastAPI()


@app.post("/predict")
async def predict(request: Request):
    try:
        x = np.asarray((await request.json())["instances"], dtype=dtype)
    except (ValueError, KeyError, TypeError) as error:
        return JSONResponse({"error": str(error)}, status_code=400)
    a = session.run(["output"], {"input": x})[0]
    predictions = []
    for row in a:
        k = int(row.argmax())
        predictions.append(
            {"class": class_names[k] if class_names else k, "probabilities": [float(p) for p in row]}
        )
    return Response(json.dumps({"predictions": predictions}), media_type="application/json")


@app.get("/health")
async def health():
    return {"status": "ok"}
