"""RequestLimitExceeded per (SecretId, Action), seen through the SDK.

The emulator's clock is frozen first, so every call of a test falls in one window
however slowly the machine runs; moving the clock one second opens the next."""

import json
import threading


def set_clock(emu, body):
    status, _, raw = emu.admin("POST", "/_emulator/clock", body)
    assert status == 200, "POST /_emulator/clock %r: HTTP %s %r" % (body, status, raw[:500])
    return json.loads(raw)


def detail(kit, client, record_id=5427):
    """One DescribeAssetImageRegistryDetail: "ok" or the error code."""
    req = kit.models.DescribeAssetImageRegistryDetailRequest()
    req.Id = record_id
    try:
        client.DescribeAssetImageRegistryDetail(req)
        return "ok"
    except kit.SDKException as e:
        if e.code == "RequestLimitExceeded":
            kit.uuid4(e.requestId)
        return e.code


def concurrent_outcomes(kit, clients):
    """One call per client, all released at once from their own threads."""
    results = [None] * len(clients)
    barrier = threading.Barrier(len(clients))

    def one(i, client):
        barrier.wait(timeout=kit.SDK_TIMEOUT_S)
        results[i] = detail(kit, client)

    threads = [threading.Thread(target=one, args=(i, c)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=2 * kit.SDK_TIMEOUT_S)
    assert not any(t.is_alive() for t in threads), "calls still running: %r" % results
    return results


def test_limit_of_three_lets_exactly_three_of_five_through(spawn_emulator, kit):
    emu = spawn_emulator(rate_limit=3)
    assert set_clock(emu, {"freeze": True})["frozen"] is True
    client = kit.make_client(emu)
    outcomes = [detail(kit, client) for _ in range(5)]
    assert outcomes == ["ok"] * 3 + ["RequestLimitExceeded"] * 2, outcomes

    # The limit is per SecretId: the other credential still has its own budget.
    assert detail(kit, kit.make_client(emu, cred=kit.CRED_B)) == "ok"
    # A second later (emulator time) the window has passed.
    set_clock(emu, {"advance_seconds": 1})
    assert detail(kit, client) == "ok"


def test_default_limit_is_twenty_per_second(spawn_emulator, kit):
    emu = spawn_emulator(rate_limit=None)  # no --rate-limit flag: the documented 20/s
    assert set_clock(emu, {"freeze": True})["frozen"] is True
    outcomes = concurrent_outcomes(kit, [kit.make_client(emu) for _ in range(25)])
    why = "%r (25 concurrent calls, clock frozen)" % outcomes
    assert outcomes.count("ok") == 20, why
    assert outcomes.count("RequestLimitExceeded") == 5, why
    set_clock(emu, {"advance_seconds": 1})
    assert detail(kit, kit.make_client(emu)) == "ok"
