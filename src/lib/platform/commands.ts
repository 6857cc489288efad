// The Scalingo CLI commands printed for a user to run by hand (no process is started here).

/** The command that creates the app by hand. */
export const createAppCommand = (app: string, region: string): string => `scalingo --region ${region} create ${app}`
