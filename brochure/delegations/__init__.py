"""Delegation editions: their files, their own pages, and the personalised and
bilingual editions built as a batch.
"""
