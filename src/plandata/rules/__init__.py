"""Rule tables: the curated data files in `data/` and the helpers that load them.

`lexicon` reads and checks a table; `rule_regex` reads a rule's pattern for
the characters every match needs, so a rule is not searched on text that
lacks them.  Depends on nothing of plandata's but `errors`.
"""
