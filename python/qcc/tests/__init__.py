"""Tests of the qcc package. They compile real models with the build's
qcc (the QCC environment variable, else qcc.find_qcc's search); lit runs
them as test/Python/api.test."""
