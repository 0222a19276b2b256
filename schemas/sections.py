"""The sections of a submission by name, without their models (importing pandera costs ~1 s).

The models of each section are in `schemas/contract.py`; what only needs the
names (the catalog of tables, the order of errors) imports this module.
"""

# Sheet names (= JSON keys), in the order an operator reads them.
SECTIONS = ("laporan", "pengamanan", "satgas", "kejadian", "netralitas", "kesiapan")
REQUIRED_SECTIONS = ("laporan", "pengamanan")
# The sections curated into tables of their own (`laporan` goes to the registry).
CURATED_SECTIONS = ("pengamanan", "satgas", "kejadian", "netralitas", "kesiapan")
# The TPS tier columns of `pengamanan` (contract 1.1): how many of its TPS are rated rawan,
# sangat rawan and khusus (the rest are kurang rawan).
TIERS = ("tps_rawan", "tps_sangat_rawan", "tps_khusus")
