"""The outbox of rejections: delivered once the registry records them, then forgotten."""

import json
import uuid

import polars as pl

from lapsit.files import write_atomic
from lapsit.ingest.announce import Outbox
from lapsit.ingest.verdicts import Rejection


def _rejection(polres: str) -> Rejection:
    return Rejection(
        event_id=str(uuid.uuid4()),
        kode_polres=polres,
        nama_polres=polres.title(),
        kode_polda="kalsel",
        berkas="2024-11-20.xlsx",
        path=f"{polres}/2024-11-20.xlsx",
        id_submisi=polres * 4,
        jumlah_galat=1,
        message="Submisi ditolak: 1 kesalahan.",
        laporan_galat=None,
    )


def _stage(outbox, batch: list[Rejection]):
    text = json.dumps([r.to_dict() for r in batch])
    return write_atomic(outbox / f"{batch[0].event_id}.json", text)


def _outbox(tmp_path, ref) -> Outbox:
    return Outbox(tmp_path / "curated" / ".ditolak-tertunda", tmp_path, ref)


def test_forgetting_the_last_batch_leaves_no_outbox_behind(tmp_path, ref):
    outbox = _outbox(tmp_path, ref)
    first = _stage(outbox.folder, [_rejection("tapin")])
    second = _stage(outbox.folder, [_rejection("balangan")])

    assert [r.kode_polres for r in outbox.read(first)] == ["tapin"]
    outbox.forget(first)
    assert list(outbox.folder.iterdir()) == [second]  # a batch still waits: kept

    outbox.forget(second)
    assert not outbox.folder.exists()
    assert list((tmp_path / "curated").iterdir()) == []


def test_leftover_holds_only_what_the_registry_recorded(tmp_path, ref):
    outbox = _outbox(tmp_path, ref)
    recorded, dropped = _rejection("tapin"), _rejection("tabalong")
    staged = _stage(outbox.folder, [recorded, dropped])
    registry = pl.DataFrame(
        {"id_submisi": [recorded.id_submisi], "kode_polres": [recorded.kode_polres]}
    )

    assert list(outbox.leftover(registry)) == [(staged, [recorded])]
    outbox.forget(staged)
    assert not outbox.folder.exists()
    assert list(outbox.leftover(registry)) == []  # nothing left: a rerun sends nothing again
