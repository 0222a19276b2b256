"""The maintenance flow: compact and vacuum the curated Delta tables (weekly, see flows/serve.py)."""

from typing import Annotated

from prefect import flow, get_run_logger

from flows.names import maintenance_run_name
from flows.params import FolderData, label
from lapsit.settings import resolved
from lapsit.storage.maintenance import TableMaintenance
from tasks.maintenance import maintain_tables, publish_maintenance

RetensiHari = Annotated[
    int | None,
    label(
        "Retensi (hari)",
        "Berapa hari versi lama tabel tetap dapat dibuka (time travel). Kosongkan untuk "
        "LAPSIT_RETENSI_HARI (bawaan 30).",
    ),
]


@flow(name="maintenance", flow_run_name=maintenance_run_name, log_prints=False)
def maintenance_flow(
    data_dir: FolderData = "data", retensi_hari: RetensiHari = None
) -> list[TableMaintenance]:
    """Compact small files and vacuum files older than the retention, in every curated table."""
    settings = resolved(data_dir)
    days = settings.retensi_hari if retensi_hari is None else retensi_hari
    results = maintain_tables(settings, days)
    publish_maintenance(results, days)
    for r in results:
        get_run_logger().info(
            "%s: versi %d -> %d, berkas aktif %d -> %d, %d berkas dihapus",
            r.name,
            r.version_before,
            r.version_after,
            r.files_before,
            r.files_after,
            r.files_vacuumed,
        )
    return results
