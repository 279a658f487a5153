"""Lindung: BPJS Ketenagakerjaan protection for a regency's vulnerable informal workers."""
