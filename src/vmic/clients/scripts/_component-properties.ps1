$vmicComponentProperties = 'VMName', 'VMId', 'Name', 'Id', 'Enabled', 'PrimaryOperationalStatus',
    'PrimaryStatusDescription', 'SecondaryOperationalStatus', 'SecondaryStatusDescription'
