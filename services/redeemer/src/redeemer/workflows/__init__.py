"""The redeemer's part of workflows (contract section 2.5): ``redeem-share-token`` actions."""
