"""What every vendor sandbox shares: HTTP plumbing, exact JSON, seeded realistic data."""
