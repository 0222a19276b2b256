"""The deployments `lapsit serve` offers: nightly on a schedule, the others on demand.

The nightly deployment has one schedule per Polda, at 23:00 in that Polda's
time zone (`zona_waktu` of its Polres in polres.csv), each run limited to its
Polda. Ingest and nightly runs are limited to one at a time per deployment
(later ones wait in the queue); overlapping ingests from anywhere else wait on
the data dir's file lock. The maintenance deployment compacts and vacuums the
curated tables every Sunday at 03:00; at 04:00 the quality deployment checks
the whole tables (the nightly checks only what is new).
"""

from pathlib import Path

from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron

from flows.ingest import ingest_flow
from flows.maintenance import maintenance_flow
from flows.nightly import nightly_flow
from flows.quality import quality_flow
from flows.report import report_flow
from lapsit.quality.result import PENUH
from lapsit.reference import Reference
from lapsit.report.stage import polda_scope

DEPLOYMENT = "lapsit"
NIGHTLY_CRON = "0 23 * * *"
# Sundays at 03:00, after the Saturday night run and before Sunday's submissions.
MAINTENANCE_CRON = "0 3 * * 0"
# Sundays at 04:00, after maintenance: the quality gate over the whole tables.
FULL_QUALITY_CRON = "0 4 * * 0"
TAGS = ["lapsit"]
ONE_AT_A_TIME = ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE)


def nightly_schedules(ref: Reference) -> list:
    """One 23:00 schedule per Polda, in its time zone, running the nightly flow for that Polda."""
    return [
        Cron(
            NIGHTLY_CRON,
            timezone=polda_scope(ref, polda).zona_waktu,
            parameters={"kode_polda": polda},
            slug=f"malam-{polda}",
        )
        for polda in ref.polda_codes()
    ]


def maintenance_schedule(ref: Reference) -> Cron:
    """Weekly compaction and vacuum, in the time zone of the first Polda of polres.csv."""
    return Cron(
        MAINTENANCE_CRON,
        timezone=polda_scope(ref, ref.polda_codes()[0]).zona_waktu,
        slug="pemeliharaan-mingguan",
    )


def full_quality_schedule(ref: Reference) -> Cron:
    """Weekly quality gate over the whole tables, in the time zone of the first Polda."""
    return Cron(
        FULL_QUALITY_CRON,
        timezone=polda_scope(ref, ref.polda_codes()[0]).zona_waktu,
        parameters={"lingkup": PENUH},
        slug="kualitas-penuh-mingguan",
    )


def deployments(ref: Reference, data_dir: Path) -> list[RunnerDeployment]:
    """The deployments to serve, every one defaulting to this data dir."""
    params = {"data_dir": str(data_dir.resolve())}
    common = {
        "tags": TAGS,
        "entrypoint_type": EntrypointType.MODULE_PATH,
        "parameters": params,
    }
    return [
        nightly_flow.to_deployment(
            name=DEPLOYMENT,
            schedules=nightly_schedules(ref),
            concurrency_limit=ONE_AT_A_TIME,
            description="Ingest, gerbang kualitas, lalu laporan situasi setiap malam pukul 23:00 "
            "waktu setempat tiap Polda.",
            **common,
        ),
        ingest_flow.to_deployment(
            name=DEPLOYMENT,
            concurrency_limit=ONE_AT_A_TIME,
            description="Proses semua berkas baru di kotak masuk Polres (sesuai permintaan).",
            **common,
        ),
        report_flow.to_deployment(
            name=DEPLOYMENT,
            description="Buat laporan situasi untuk satu tanggal (sesuai permintaan).",
            **common,
        ),
        quality_flow.to_deployment(
            name=DEPLOYMENT,
            schedules=[full_quality_schedule(ref)],
            description="Periksa seluruh tabel kurasi dengan Great Expectations setiap Minggu "
            "pukul 04:00, atau sesuai permintaan.",
            **common,
        ),
        maintenance_flow.to_deployment(
            name=DEPLOYMENT,
            schedules=[maintenance_schedule(ref)],
            concurrency_limit=ONE_AT_A_TIME,
            description="Padatkan berkas kecil dan vacuum tabel kurasi setiap Minggu pukul 03:00 "
            "(retensi time travel: LAPSIT_RETENSI_HARI, bawaan 30 hari).",
            **common,
        ),
    ]


def serve(ref: Reference, data_dir: Path) -> None:
    """Serve the deployments until interrupted (schedules pause on shutdown)."""
    from prefect import serve as prefect_serve

    prefect_serve(*deployments(ref, data_dir))
