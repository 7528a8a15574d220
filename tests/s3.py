"""A real S3 protocol server for the tests: moto's standalone server over HTTP, started once per
test session, one fresh bucket per test; settings pointed at it as production would be."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest

KEYS = {"S3_ACCESS_KEY_ID": "zi-uji", "S3_SECRET_ACCESS_KEY": "zi-uji-rahasia", "S3_REGION": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """The endpoint URL of a running moto server."""
    port = _free_port()
    exe = shutil.which("moto_server") or str(Path(sys.executable).with_name("moto_server"))
    proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("moto_server did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def client(endpoint):
    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=KEYS["S3_ACCESS_KEY_ID"],
                        aws_secret_access_key=KEYS["S3_SECRET_ACCESS_KEY"], region_name=KEYS["S3_REGION"])


def new_bucket(endpoint) -> str:
    name = f"zi-{uuid.uuid4().hex[:12]}"
    client(endpoint).create_bucket(Bucket=name)
    return name


def environment(endpoint, bucket) -> dict:
    """The variables production sets for an S3-compatible store (README, "Configuration")."""
    return {"S3_BUCKET": bucket, "S3_ENDPOINT_URL": endpoint, "S3_PREFIX": "zi-tracker", **KEYS}


def storage_setting(endpoint, bucket) -> dict:
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": bucket, "endpoint_url": endpoint, "region_name": KEYS["S3_REGION"],
        "access_key": KEYS["S3_ACCESS_KEY_ID"], "secret_key": KEYS["S3_SECRET_ACCESS_KEY"],
        "location": "zi-tracker", "default_acl": "private", "querystring_auth": True, "querystring_expire": 60,
        "file_overwrite": False, "addressing_style": "path"}}


def objects(endpoint, bucket) -> dict[str, bytes]:
    s3 = client(endpoint)
    listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}


@pytest.fixture
def s3_bucket(s3_server, settings):
    """Evidence (and recaps) in a fresh bucket of the S3 server for this test: (endpoint, bucket)."""
    bucket = new_bucket(s3_server)
    settings.STORAGES = {**settings.STORAGES, "default": storage_setting(s3_server, bucket)}
    return s3_server, bucket
