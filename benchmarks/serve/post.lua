-- wrk: one single-row prediction request per call, the same body for every server.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("BODY") or '{"instances": [[5.1, 3.5, 1.4, 0.2]]}'
