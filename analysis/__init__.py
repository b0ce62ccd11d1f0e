"""azawad-sim analysis: small functions that read the engine's CSV files and return tables or
figures. Run with Debian's /usr/bin/python3 (scripts/find-python), which sees python3-numpy,
pandas, scipy and matplotlib."""
