"""The worker's scheduled chores: when each is due, and the claim that makes one worker run it
(campaign.chores.schedule). campaign.worker says which chores there are."""
