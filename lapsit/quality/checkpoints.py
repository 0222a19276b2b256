"""Run one Great Expectations checkpoint per table and build Data Docs.

Great Expectations takes seconds to import (docs/performance.md), so it is imported
inside `run_checkpoints` only: nothing else of lapsit pulls it in.
"""

import datetime as dt
from pathlib import Path

import polars as pl

from lapsit.privacy import hide_nrp, mask_nrp
from lapsit.quality.result import Failure, expectation_name
from lapsit.quality.suites import Expectation

DOCS_SITE = "lapsit"
# Unexpected values shown per failing expectation.
SAMPLE = 3


# Long: Great Expectations' context, sources, suites, checkpoints and Data Docs are set up in
# one place, in the order GX needs them, so that nothing else imports GX.
def run_checkpoints(
    frames: dict[str, pl.DataFrame],
    expectations: dict[str, list[Expectation]],
    docs_dir: Path,
) -> tuple[list[Failure], int, Path]:
    """Run one GX checkpoint per table and build Data Docs; (failures, evaluated, docs index)."""
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    docs_dir.mkdir(parents=True, exist_ok=True)
    config = DataContextConfig(
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites={
            DOCS_SITE: {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir.resolve()),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    # One run for every table, so that Data Docs list them together.
    run_id = RunIdentifier(run_name="gerbang-kualitas", run_time=dt.datetime.now(dt.UTC))
    source = context.data_sources.add_pandas("lapsit")
    failures: list[Failure] = []
    evaluated = 0
    for name, frame in frames.items():
        batch = source.add_dataframe_asset(name=name).add_batch_definition_whole_dataframe(name)
        # The suite is stored once, whole: adding expectations one by one re-serialises
        # the stored suite each time.
        declared = [
            getattr(gx.expectations, e.kind)(**e.kwargs, notes=e.notes) for e in expectations[name]
        ]
        suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=declared))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch, suite=suite)
        )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=f"lapsit-{name}",
                validation_definitions=[definition],
                result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE},
            )
        )
        result = checkpoint.run(batch_parameters={"dataframe": frame.to_pandas()}, run_id=run_id)
        for run in result.run_results.values():
            evaluated += len(run.results)
            failures += [_failure(name, r) for r in run.results if not r.success]
    sites = context.build_data_docs(site_names=[DOCS_SITE])
    index = Path(sites[DOCS_SITE].removeprefix("file://"))
    return failures, evaluated, index


def _failure(name: str, r) -> Failure:
    """A failing GX expectation result as a Failure (a raised exception counts as failing)."""
    info = r.exception_info or {}
    raised = info.get("raised_exception") if isinstance(info, dict) else False
    result = r.result or {}
    if raised:
        sample = [str(info.get("exception_message", ""))[:200]]
    else:
        sample = [str(v) for v in (result.get("partial_unexpected_list") or [])[:SAMPLE]]
    config = r.expectation_config
    # A value of the `nrp` column is hidden even where its digits read as a date.
    shown = hide_nrp if dict(config.kwargs).get("column") == "nrp" else mask_nrp
    return Failure(
        table=name,
        expectation=expectation_name(config.type, dict(config.kwargs)),
        notes=config.notes or "",
        unexpected=result.get("unexpected_count"),
        sample=[shown(s) for s in sample],
    )
