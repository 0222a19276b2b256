"""The reliability suite's ledger: what it tried, printed at the end of every run that used it."""

from dataclasses import dataclass, field

import pytest


@dataclass
class Ledger:
    """Counts kept across the suite's tests."""

    inputs: int = 0  # files fed to an ingest run (including property-test examples)
    faults: int = 0  # ingest processes killed while they were working
    overlapped: int = 0  # ingest processes running while another one was
    racing: int = 0  # threads writing the same table slices at the same moment
    lost: int = 0  # curated rows missing that a completed run must hold
    duplicated: int = 0  # curated rows beyond what a completed run must hold
    scanned: int = 0  # outputs (files, registry entries, log texts) searched for NRPs
    planted: set[str] = field(default_factory=set)  # NRPs put in the inputs
    used: bool = False

    def lines(self) -> list[str]:
        return [
            f"inputs tried: {self.inputs}",
            f"faults injected (ingest processes killed mid-run): {self.faults}",
            f"runs overlapped: {self.overlapped} ingest processes, "
            f"{self.racing} racing table writers",
            f"records lost: {self.lost}",
            f"records duplicated: {self.duplicated}",
            f"outputs scanned for {len(self.planted)} planted NRPs: {self.scanned}",
        ]


LEDGER = Ledger()


@pytest.fixture
def ledger() -> Ledger:
    LEDGER.used = True
    return LEDGER


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the counts whatever the capture mode (`-s` or not)."""
    if not LEDGER.used:
        return
    terminalreporter.section("lapsit reliability")
    for line in LEDGER.lines():
        terminalreporter.write_line(line)
