"""Asking: vocabulary, query understanding, retrieval, answering."""
