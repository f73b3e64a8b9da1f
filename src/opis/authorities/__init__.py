"""Authority records for people, places and organisations, and linking names to them.

``build.build_authorities`` makes the records from hsg-people, POCOM, FRUS
persons lists and the small hand tables in ``data/``; ``linker.Linker`` links
a record's mentions and sender/recipient fields to them.
"""
