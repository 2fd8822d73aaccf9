$vmicServiceProperties = 'Name', 'DisplayName', 'Status', 'StartType'
