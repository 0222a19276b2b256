"""The outbox of rejections: delivered once the registry records them, then forgotten."""

import json
import uuid

import polars as pl

from lapsit.files import write_atomic
from lapsit.ingest.announce import Announcer
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


def _announcer(tmp_path, ref, sent: list) -> Announcer:
    return Announcer(tmp_path / "curated" / ".ditolak-tertunda", tmp_path, ref, sent.extend)


def test_sending_the_last_batch_leaves_no_outbox_behind(tmp_path, ref):
    sent: list[Rejection] = []
    announcer = _announcer(tmp_path, ref, sent)
    first = _stage(announcer.outbox, [_rejection("tapin")])
    second = _stage(announcer.outbox, [_rejection("balangan")])

    announcer.send(first)
    assert [r.kode_polres for r in sent] == ["tapin"]
    assert list(announcer.outbox.iterdir()) == [second]  # a batch still waits: kept

    announcer.send(second)
    assert [r.kode_polres for r in sent] == ["tapin", "balangan"]
    assert not announcer.outbox.exists()
    assert list((tmp_path / "curated").iterdir()) == []


def test_resume_delivers_only_what_the_registry_recorded_then_tidies(tmp_path, ref):
    sent: list[Rejection] = []
    announcer = _announcer(tmp_path, ref, sent)
    recorded, dropped = _rejection("tapin"), _rejection("tabalong")
    _stage(announcer.outbox, [recorded, dropped])
    registry = pl.DataFrame({"id_submisi": [recorded.id_submisi], "path": [recorded.path]})

    assert announcer.resume(registry) == 1
    assert sent == [recorded]
    assert not announcer.outbox.exists()
    assert announcer.resume(registry) == 0  # nothing left: a rerun sends nothing again
    assert sent == [recorded]
