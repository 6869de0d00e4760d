"""The workspace's own settings (admins): the follower bands of the influencer tiers."""
