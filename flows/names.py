"""Run names that say what ran and when, in the Polda's time, never a folder path."""

from prefect.runtime import flow_run

from lapsit.clock import local_time
from lapsit.errors import LapsitError
from lapsit.reference import load_reference
from lapsit.report.stage import polda_scope
from lapsit.settings import resolved


def polda_zone(kode_polda: str | None = None) -> str | None:
    """The time zone of the run's Polda (the first of polres.csv when none is given)."""
    params = flow_run.parameters
    try:
        ref = load_reference(resolved(params.get("data_dir")).catalog.reference_dir)
        return polda_scope(ref, kode_polda or ref.polda_codes()[0]).zona_waktu
    except (LapsitError, KeyError, OSError):  # the run itself reports it; the name stays plain
        return None


def quality_run_name() -> str:
    """`kualitas · baru · 23.05 WITA`."""
    return f"kualitas · {flow_run.parameters.get('lingkup')} · {local_time(polda_zone())}"


def maintenance_run_name() -> str:
    """`pemeliharaan · 03.00 WITA`."""
    return f"pemeliharaan · {local_time(polda_zone())}"


def report_run_name() -> str:
    """`laporan · kalsel · 2024-11-27`, `laporan · nasional · …`, `laporan · semua Polda · …`."""
    params = flow_run.parameters
    scope = "nasional" if params.get("nasional") else params.get("kode_polda") or "semua Polda"
    return f"laporan · {scope} · {params.get('report_date')}"
