"""Workflows (contract section 2.5): definitions over the API, and the executor that runs
``create-share-token`` actions through the share-token use case."""
