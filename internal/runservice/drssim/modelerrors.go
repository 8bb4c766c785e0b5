package drssim

// The errors of each DRS operation, as the DRS service model (botocore
// drs/2020-02-26) lists them. TestModelledErrorsMatchTheModel keeps this
// table in step with the model.

// Error codes of the DRS model.
const (
	eAccessDenied  = "AccessDeniedException"
	eConflict      = "ConflictException"
	eInternal      = "InternalServerException"
	eNotFound      = "ResourceNotFoundException"
	eQuota         = "ServiceQuotaExceededException"
	eThrottling    = "ThrottlingException"
	eUninitialized = "UninitializedAccountException"
	eValidation    = "ValidationException"
)

// modelledErrors lists, for each of DRS's operations, the errors its model
// names. The simulator answers an operation with these only (see conform).
var modelledErrors = map[string][]string{
	"AssociateSourceNetworkStack":               {eNotFound, eInternal, eConflict, eQuota, eThrottling, eValidation, eUninitialized},
	"CreateExtendedSourceServer":                {eNotFound, eInternal, eQuota, eThrottling, eAccessDenied, eValidation, eUninitialized},
	"CreateLaunchConfigurationTemplate":         {eInternal, eQuota, eThrottling, eAccessDenied, eValidation, eUninitialized},
	"CreateReplicationConfigurationTemplate":    {eInternal, eQuota, eThrottling, eAccessDenied, eValidation, eUninitialized},
	"CreateSourceNetwork":                       {eNotFound, eInternal, eConflict, eQuota, eThrottling, eValidation, eUninitialized},
	"DeleteJob":                                 {eNotFound, eInternal, eConflict, eThrottling, eUninitialized},
	"DeleteLaunchAction":                        {eNotFound, eInternal, eThrottling, eValidation, eUninitialized},
	"DeleteLaunchConfigurationTemplate":         {eNotFound, eInternal, eConflict, eThrottling, eUninitialized},
	"DeleteRecoveryInstance":                    {eInternal, eConflict, eThrottling, eAccessDenied, eUninitialized},
	"DeleteReplicationConfigurationTemplate":    {eNotFound, eInternal, eConflict, eThrottling, eUninitialized},
	"DeleteSourceNetwork":                       {eNotFound, eInternal, eConflict, eThrottling, eUninitialized},
	"DeleteSourceServer":                        {eNotFound, eInternal, eConflict, eThrottling, eUninitialized},
	"DescribeJobLogItems":                       {eInternal, eThrottling, eValidation, eUninitialized},
	"DescribeJobs":                              {eInternal, eThrottling, eValidation, eUninitialized},
	"DescribeLaunchConfigurationTemplates":      {eNotFound, eInternal, eThrottling, eValidation, eUninitialized},
	"DescribeRecoveryInstances":                 {eInternal, eThrottling, eAccessDenied, eUninitialized},
	"DescribeRecoverySnapshots":                 {eInternal, eThrottling, eAccessDenied, eValidation, eUninitialized},
	"DescribeReplicationConfigurationTemplates": {eNotFound, eInternal, eThrottling, eValidation, eUninitialized},
	"DescribeSourceNetworks":                    {eInternal, eThrottling, eValidation, eUninitialized},
	"DescribeSourceServers":                     {eInternal, eThrottling, eValidation, eUninitialized},
	"DisconnectRecoveryInstance":                {eNotFound, eInternal, eConflict, eThrottling, eAccessDenied, eUninitialized},
	"DisconnectSourceServer":                    {eNotFound, eInternal, eConflict, eThrottling, eUninitialized},
	"ExportSourceNetworkCfnTemplate":            {eNotFound, eInternal, eConflict, eThrottling, eValidation, eUninitialized},
	"GetFailbackReplicationConfiguration":       {eNotFound, eInternal, eThrottling, eUninitialized},
	"GetLaunchConfiguration":                    {eNotFound, eInternal, eThrottling, eUninitialized},
	"GetReplicationConfiguration":               {eNotFound, eInternal, eThrottling, eAccessDenied, eUninitialized},
	"InitializeService":                         {eInternal, eThrottling, eAccessDenied, eValidation},
	"ListExtensibleSourceServers":               {eInternal, eThrottling, eAccessDenied, eValidation, eUninitialized},
	"ListLaunchActions":                         {eNotFound, eInternal, eQuota, eThrottling, eUninitialized},
	"ListStagingAccounts":                       {eInternal, eThrottling, eAccessDenied, eValidation, eUninitialized},
	"ListTagsForResource":                       {eNotFound, eInternal, eThrottling, eAccessDenied, eValidation},
	"PutLaunchAction":                           {eNotFound, eInternal, eConflict, eThrottling, eValidation, eUninitialized},
	"RetryDataReplication":                      {eNotFound, eInternal, eThrottling, eValidation, eUninitialized},
	"ReverseReplication":                        {eNotFound, eInternal, eConflict, eThrottling, eAccessDenied, eValidation, eUninitialized},
	"StartFailbackLaunch":                       {eInternal, eConflict, eQuota, eThrottling, eValidation, eUninitialized},
	"StartRecovery":                             {eInternal, eConflict, eQuota, eThrottling, eUninitialized},
	"StartReplication":                          {eNotFound, eInternal, eConflict, eThrottling, eUninitialized},
	"StartSourceNetworkRecovery":                {eInternal, eConflict, eQuota, eThrottling, eValidation, eUninitialized},
	"StartSourceNetworkReplication":             {eNotFound, eInternal, eConflict, eThrottling, eUninitialized},
	"StopFailback":                              {eNotFound, eInternal, eThrottling, eUninitialized},
	"StopReplication":                           {eNotFound, eInternal, eConflict, eThrottling, eUninitialized},
	"StopSourceNetworkReplication":              {eNotFound, eInternal, eConflict, eThrottling, eValidation, eUninitialized},
	"TagResource":                               {eNotFound, eInternal, eThrottling, eAccessDenied, eValidation},
	"TerminateRecoveryInstances":                {eInternal, eConflict, eQuota, eThrottling, eUninitialized},
	"UntagResource":                             {eNotFound, eInternal, eThrottling, eAccessDenied, eValidation},
	"UpdateFailbackReplicationConfiguration":    {eNotFound, eInternal, eThrottling, eAccessDenied, eUninitialized},
	"UpdateLaunchConfiguration":                 {eNotFound, eInternal, eConflict, eThrottling, eValidation, eUninitialized},
	"UpdateLaunchConfigurationTemplate":         {eNotFound, eInternal, eThrottling, eAccessDenied, eValidation, eUninitialized},
	"UpdateReplicationConfiguration":            {eNotFound, eInternal, eConflict, eThrottling, eAccessDenied, eValidation, eUninitialized},
	"UpdateReplicationConfigurationTemplate":    {eNotFound, eInternal, eThrottling, eAccessDenied, eValidation, eUninitialized},
}
