"""FHIR R4 in: a patient's Bundle read into a contract profile (issue 11).

``read_bundle`` lives in reader.py; fhir.resources (about a second to import) is loaded
only when a Bundle is read, so the web app starts as fast as without FHIR.
"""

from .reader import BundleError, Import, read_bundle

__all__ = ["BundleError", "Import", "read_bundle"]
