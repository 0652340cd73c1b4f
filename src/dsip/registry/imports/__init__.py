"""Bulk import of person files (CSV/XLSX): reader, template, validation pass, bulk apply, error report."""
