"""The domain services: plain functions over a database session, with no Slack imports."""
