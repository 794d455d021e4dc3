"""One call made with the official Python SDK (the pinned one, in the venv that
scripts/sdk-venv.sh makes), for the dashboard tests (tests/ui): what the page must show
is a call the SDK made, and what a stub added in the page answers is what the SDK gets.

    python sdk_call.py ENDPOINT SECRET_ID SECRET_KEY ACTION PARAMS_JSON

Prints one JSON line: {"client": <the SDK's X-TC-RequestClient>, "response": <the
response model, as the SDK parsed it>} or, when the SDK raised, {"client": ...,
"error": {"code": ..., "message": ..., "request_id": ...}}.
"""

import json
import sys

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
    TencentCloudSDKException,
)
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.tcss.v20201101 import models, tcss_client


def main(endpoint, secret_id, secret_key, action, params):
    http = HttpProfile(protocol="http", endpoint=endpoint, reqTimeout=15)
    client = tcss_client.TcssClient(
        credential.Credential(secret_id, secret_key),
        "ap-guangzhou",
        ClientProfile(httpProfile=http),
    )
    request = getattr(models, action + "Request")()
    request.from_json_string(params)
    out = {"client": client.request_client}
    try:
        response = getattr(client, action)(request)
        out["response"] = json.loads(response.to_json_string())
    except TencentCloudSDKException as e:
        out["error"] = {
            "code": e.get_code(),
            "message": e.get_message(),
            "request_id": e.get_request_id(),
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main(*sys.argv[1:])
