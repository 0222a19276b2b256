"""Publishing: what lapsit gives the Polres to work from, made from the contract.

The Excel template (`template`, with its `instructions` sheet), the published
contract `docs/kontrak.md` (`docs`) and the JSON Schema (`json_schema`), all in
the words of `words`.
"""
