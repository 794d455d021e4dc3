"""RequestLimitExceeded per (SecretId, Action), seen through the SDK."""

import threading
import time


def _outcomes(kit, clients, record_id=5427):
    """One DescribeAssetImageRegistryDetail per client, all released at once from
    their own threads; returns the list of "ok" / error codes."""
    results = [None] * len(clients)
    barrier = threading.Barrier(len(clients))

    def one(i, client):
        req = kit.models.DescribeAssetImageRegistryDetailRequest()
        req.Id = record_id
        barrier.wait(timeout=kit.SDK_TIMEOUT_S)
        try:
            client.DescribeAssetImageRegistryDetail(req)
            results[i] = "ok"
        except kit.SDKException as e:
            results[i] = e.code
            if e.code == "RequestLimitExceeded":
                kit.uuid4(e.requestId)

    threads = [threading.Thread(target=one, args=(i, c)) for i, c in enumerate(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=2 * kit.SDK_TIMEOUT_S)
    return results, time.monotonic() - started


def test_limit_of_three_lets_exactly_three_of_five_through(spawn_emulator, kit):
    emu = spawn_emulator(rate_limit=3)
    client = kit.make_client(emu)
    outcomes = []
    started = time.monotonic()
    for _ in range(5):
        try:
            req = kit.models.DescribeAssetImageRegistryDetailRequest()
            req.Id = 5427
            client.DescribeAssetImageRegistryDetail(req)
            outcomes.append("ok")
        except kit.SDKException as e:
            outcomes.append(e.code)
            if e.code == "RequestLimitExceeded":
                kit.uuid4(e.requestId)
    elapsed = time.monotonic() - started
    why = "%r in %.3fs" % (outcomes, elapsed)
    assert outcomes.count("ok") == 3, why
    assert outcomes.count("RequestLimitExceeded") == 2, why

    # The limit is per SecretId: the other credential still has its own budget.
    other = kit.make_client(emu, cred=kit.CRED_B)
    req = kit.models.DescribeAssetImageRegistryDetailRequest()
    req.Id = 5427
    assert other.DescribeAssetImageRegistryDetail(req).Id == 5427


def test_default_limit_is_twenty_per_second(spawn_emulator, kit):
    emu = spawn_emulator(rate_limit=None)  # no --rate-limit flag: the documented 20/s
    outcomes, elapsed = _outcomes(kit, [kit.make_client(emu) for _ in range(25)])
    why = "%r in %.3fs (25 concurrent calls)" % (outcomes, elapsed)
    assert outcomes.count("ok") == 20, why
    assert outcomes.count("RequestLimitExceeded") == 5, why
