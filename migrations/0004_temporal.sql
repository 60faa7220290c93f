CREATE TABLE `worker_token_uses` (
	`jti` text PRIMARY KEY NOT NULL,
	`execution_id` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `worker_token_uses_expiry_idx` ON `worker_token_uses` (`expires_at`);