"""The binary's own contract: readiness line, health, clean exit on SIGTERM."""


def test_starts_on_port_zero_serves_health_and_exits_zero_on_sigterm(kit):
    # Not via the fixtures: this test is about start and stop themselves.
    emu = kit.Emulator()
    try:
        emu.start()
        assert emu.running(), "emulator exited right after printing its address"
        health = emu.health()
        assert health["status"] == "ok", health
        code = emu.stop()
        assert code == 0, "exit code after SIGTERM: %r\n%s" % (code, emu.log_tail())
    finally:
        emu.cleanup()


def test_two_emulators_get_distinct_ports(spawn_emulator):
    a = spawn_emulator()
    b = spawn_emulator()
    assert a.addr != b.addr
    assert a.health()["status"] == b.health()["status"] == "ok"
