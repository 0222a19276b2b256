"""The submission contract and the reference files as data.

Section names, value lists, pandera models, and every rule declared once (`schemas.rules`).
"""
