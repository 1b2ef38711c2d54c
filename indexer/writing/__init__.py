"""Writing the index: the build, parallel writers, generations, the manifest, last good versions,
the schema and the reading phase.
"""
