"""What the redeemer does: accept a redeem, carry a redemption out."""
