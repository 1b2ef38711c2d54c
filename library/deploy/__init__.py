"""Production files: the nginx site, the systemd units and an example environment file
(README, "Deploying"); `render` fills the nginx site's placeholders."""
