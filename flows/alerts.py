"""Alerts on rejection (SPEC §6): one Prefect Automation per Polda that has a webhook.

`lapsit serve` calls `ensure_alerts` when it starts, against the long-running
Prefect server it serves on (the embedded server lives only as long as one
command, so it cannot alert). For every Polda of `polres.csv` with
`LAPSIT_WEBHOOK_URL_<KODE_POLDA>` set (e.g. `LAPSIT_WEBHOOK_URL_KALSEL`, the
gateway of a WhatsApp or Telegram group), it saves a notification block
(Prefect's Custom Webhook, the URL kept in its secret values: the API and the
UI show it obfuscated, and lapsit never logs it) and creates or updates the
Automation `lapsit · ditolak · <kode>`: on each event `lapsit.submisi.ditolak`
related to `lapsit.polda.<kode>`, send one message. Run again, it updates the
same block and Automation (found by name); a Polda whose webhook was removed
loses its Automation. `prefect.yaml` can only declare triggers that run a
deployment, hence the client.

The message names the Polres, the file, the number of errors and where the
error report is, from the event's payload, which carries no cell value (a
neutrality case holds personal data).
"""

import datetime as dt
from dataclasses import dataclass

from prefect.blocks.notifications import CustomWebhookNotificationBlock
from prefect.client.orchestration import get_client
from prefect.events.actions import SendNotification
from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture

from lapsit.ingest.verdicts import REJECTED_EVENT
from lapsit.reference import Reference
from lapsit.settings import Settings

AUTOMATION_PREFIX = "lapsit · ditolak · "
SUBJECT = "Submisi ditolak: {{ event.resource.name }}"
BODY = (
    "Submisi {{ event.resource.name }} ditolak: berkas {{ event.payload.berkas }}, "
    "{{ event.payload.jumlah_galat }} kesalahan. "
    "Laporan galat: {{ event.payload.laporan_galat }}"
)


def webhook_urls(ref: Reference, settings: Settings) -> dict[str, str]:
    """The webhook of each known Polda that has one configured
    (`Settings.webhook_urls`, from LAPSIT_WEBHOOK_URL_<KODE_POLDA>)."""
    return {p: settings.webhook_urls[p] for p in ref.polda_codes() if p in settings.webhook_urls}


def block_name(kode_polda: str) -> str:
    """The notification block of one Polda (block names allow lowercase, digits and dashes)."""
    return f"lapsit-ditolak-{kode_polda}"


def notification_block(kode_polda: str, url: str) -> CustomWebhookNotificationBlock:
    """A webhook posting JSON {judul, pesan}; its URL only in the block's secret values."""
    return CustomWebhookNotificationBlock(
        name=f"lapsit {kode_polda}",
        url="{{url}}",
        json_data={"judul": "{{subject}}", "pesan": "{{body}}"},
        secrets={"url": url},
    )


def automation(kode_polda: str, block_id) -> AutomationCore:
    """The Automation of one Polda: every rejection related to it sends one message."""
    return AutomationCore(
        name=f"{AUTOMATION_PREFIX}{kode_polda}",
        description=f"Kirim pesan ke webhook Polda {kode_polda} untuk setiap submisi yang ditolak.",
        enabled=True,
        trigger=EventTrigger(
            expect={REJECTED_EVENT},
            match={"prefect.resource.id": "lapsit.polres.*"},
            match_related={
                "prefect.resource.id": f"lapsit.polda.{kode_polda}",
                "prefect.resource.role": "polda",
            },
            for_each={"prefect.resource.id"},
            posture=Posture.Reactive,
            threshold=1,
            within=dt.timedelta(0),
        ),
        actions=[SendNotification(block_document_id=block_id, subject=SUBJECT, body=BODY)],
    )


@dataclass(frozen=True)
class AlertsResult:
    """What `ensure_alerts` did, by Polda code."""

    created: list[str]
    updated: list[str]
    removed: list[str]


async def ensure_alerts(ref: Reference, settings: Settings) -> AlertsResult:
    """Create or update each configured Polda's block and Automation; remove the others'."""
    urls = webhook_urls(ref, settings)
    created, updated, removed = [], [], []
    async with get_client() as client:
        for polda in ref.polda_codes():
            name = f"{AUTOMATION_PREFIX}{polda}"
            existing = await client.read_automations_by_name(name)
            if polda not in urls:
                for old in existing:
                    await client.delete_automation(old.id)
                if existing:
                    removed.append(polda)
                continue
            block = notification_block(polda, urls[polda])
            block_id = await block.asave(block_name(polda), overwrite=True, client=client)
            wanted = automation(polda, block_id)
            if existing:
                first, *extra = existing
                await client.update_automation(first.id, wanted)
                for old in extra:  # two `serve` started at once may both have created one
                    await client.delete_automation(old.id)
                updated.append(polda)
            else:
                await client.create_automation(wanted)
                created.append(polda)
    return AlertsResult(created, updated, removed)


def describe(result: AlertsResult) -> str:
    """One line for the console: which Polda are alerted (never a URL)."""
    active = sorted(result.created + result.updated)
    if not active:
        return (
            "Peringatan penolakan: tidak ada webhook Polda (atur LAPSIT_WEBHOOK_URL_<KODE_POLDA>)."
        )
    return f"Peringatan penolakan aktif untuk Polda: {', '.join(active)}."
