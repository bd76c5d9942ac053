"""The evaluation harness: `python -m eval.run` scores every system on eval/gold.jsonl and writes REPORT.md."""

__all__: list[str] = []
