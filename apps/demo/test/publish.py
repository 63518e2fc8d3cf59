"""Publishes one chat message through the demo's HTTP API, with the standard library only.

Usage: API_KEY=<key> python3 publish.py <api url> <thread> <text>
       API_KEY=<key> python3 publish.py <api url> <thread> --data '<any JSON>'
<api url> is e.g. http://localhost:3000/api/v1. Prints {"status": <HTTP status>, "body": <JSON answer>}
and exits 0 whenever the API answered (even with an error status), 1 when it could not be reached.
"""
import json
import os
import sys
import urllib.error
import urllib.request

url, thread = sys.argv[1], sys.argv[2]
data = json.loads(sys.argv[4]) if sys.argv[3] == "--data" else {"text": sys.argv[3]}
request = urllib.request.Request(
    url.rstrip("/") + "/publish",
    data=json.dumps({"thread": thread, "data": data}).encode("utf-8"),
    headers={"Authorization": "Bearer " + os.environ["API_KEY"], "Content-Type": "application/json"},
    method="POST",
)
try:
    with urllib.request.urlopen(request, timeout=10) as response:
        status, body = response.status, response.read()
except urllib.error.HTTPError as err:  # 4xx and 5xx still carry the API's JSON answer
    status, body = err.code, err.read()
except urllib.error.URLError as err:
    sys.exit("could not reach %s: %s" % (url, err.reason))
print(json.dumps({"status": status, "body": json.loads(body)}))
