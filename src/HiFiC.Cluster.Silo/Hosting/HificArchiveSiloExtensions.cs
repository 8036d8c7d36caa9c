using Azure.Messaging.ServiceBus;
using Azure.Storage.Queues;
using HiFiC.Cluster.Silo.Azure;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Queue.AzureStorage;
using HiFiC.Cluster.Silo.Queue.ServiceBus;
using HiFiC.Cluster.Silo.Jobs;
using HiFiC.Cluster.Silo.Persistence;
using HiFiC.Cluster.Silo.Queue;
using HiFiC.Cluster.Silo.Storage;
using HiFiC.Cluster.Silo.Work;
using HiFiC.Codec.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace HiFiC.Cluster.Silo.Hosting;

public static class HificArchiveSiloExtensions
{
    /// <summary>
    /// Adds the archive grains, the model pool, the work queue, blob storage and the consumer
    /// loops to a silo. Options bind from <paramref name="configuration"/> (sections HiFiC:*) when
    /// given. Defaults are the embedded ones: in-process queue, folder blob store, models from the
    /// registry. Register other providers (ICodecModelSource, IWorkQueue, IBlobStoreFactory)
    /// before or after: these are TryAdd. Job state needs a grain storage named
    /// <see cref="ArchiveStorage.JobStore"/> (see AddFolderJobStorage / AddMemoryGrainStorage).
    /// </summary>
    public static ISiloBuilder AddHificArchive(this ISiloBuilder builder, IConfiguration? configuration = null)
    {
        var services = builder.Services;
        if (configuration is not null)
        {
            services.Configure<ModelPoolOptions>(configuration.GetSection(ModelPoolOptions.Section));
            services.Configure<WorkQueueOptions>(configuration.GetSection(WorkQueueOptions.Section));
            services.Configure<JobOptions>(configuration.GetSection(JobOptions.Section));
            services.Configure<WorkerOptions>(configuration.GetSection(WorkerOptions.Section));
            services.Configure<Restore.RestoreOptions>(configuration.GetSection(Restore.RestoreOptions.Section));
            services.Configure<AzureStorageOptions>(configuration.GetSection(AzureStorageOptions.Section));
            services.Configure<Storage.Locations.StorageRootsOptions>(configuration.GetSection(Storage.Locations.StorageRootsOptions.Section));
            services.Configure<ServiceBusQueueOptions>(configuration.GetSection(ServiceBusQueueOptions.Section));
        }
        services.AddOptions<AzureStorageOptions>();
        services.AddOptions<Storage.Locations.StorageRootsOptions>();
        services.AddOptions<ServiceBusQueueOptions>();
        // Checked when the host starts: a broken setting stops the silo with a message naming its key.
        services.AddOptions<ModelPoolOptions>().ValidateOnStart();
        services.AddOptions<WorkQueueOptions>().ValidateOnStart();
        services.AddOptions<JobOptions>().ValidateOnStart();
        services.AddOptions<WorkerOptions>().ValidateOnStart();
        services.AddOptions<Restore.RestoreOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelPoolOptions>, ModelPoolOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkQueueOptions>, WorkQueueOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JobOptions>, JobOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Restore.RestoreOptions>, Restore.RestoreOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICodecModelSource>(_ => new RegistryModelSource(ModelRegistry.FromEnvironment()));
        services.TryAddSingleton<ModelPool>();
        services.TryAddSingleton<IImageCodec, HificImageCodec>();
        services.TryAddSingleton<IBlobStoreFactory, BlobStoreFactory>();
        services.TryAddSingleton<Storage.Locks.DestinationLocks>();
        services.TryAddSingleton(_ => InProcessQueueHub.Shared);
        services.TryAddSingleton<IWorkQueue>(CreateQueue);
        services.TryAddSingleton<JobPhaseCache>();
        services.TryAddSingleton<ProgressReporter>();
        services.TryAddSingleton<ItemProcessor>();
        services.TryAddSingleton<WorkIntake>();
        services.TryAddSingleton<Monitoring.SiloCounters>();
        services.TryAddSingleton<ArchiveWorker>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ArchiveWorker>());
        // Drain and concurrency from the web host: a grain activated on the silo its key names.
        services.AddPlacementDirector<Control.SiloTargetedPlacement, Control.SiloTargetedPlacementDirector>();
        // Device, model pool and throughput to the cluster view (web dashboard, /metrics).
        services.TryAddSingleton<Monitoring.SiloStatsReporter>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<Monitoring.SiloStatsReporter>());
        return builder;
    }

    /// <summary>The queue named by HiFiC:Queue:Provider: InProcess (default), AzureStorageQueue or ServiceBus.</summary>
    private static IWorkQueue CreateQueue(IServiceProvider sp)
    {
        var o = sp.GetRequiredService<IOptions<WorkQueueOptions>>().Value;
        o.Validate();
        switch (o.Provider.ToLowerInvariant())
        {
            case "inprocess":
                return sp.GetRequiredService<InProcessQueueHub>().Get(o.Name);
            case "azurestoragequeue":
                var storage = sp.GetRequiredService<IOptions<AzureStorageOptions>>().Value.ConnectionString
                    ?? throw new InvalidOperationException($"The AzureStorageQueue provider needs {AzureStorageOptions.Section}:ConnectionString.");
                return AzureStorageWorkQueue.Create(storage, o.Name, o.MessageTimeToLive,
                    Microsoft.Extensions.Logging.LoggerFactoryExtensions.CreateLogger<AzureStorageWorkQueue>(sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()));
            case "servicebus":
                var bus = sp.GetRequiredService<IOptions<ServiceBusQueueOptions>>().Value.ConnectionString
                    ?? throw new InvalidOperationException($"The ServiceBus provider needs {ServiceBusQueueOptions.Section}:ConnectionString.");
                var client = new ServiceBusClient(bus);
                return new ServiceBusWorkQueue(client.CreateSender(o.Name), client.CreateReceiver(o.Name), sp.GetRequiredService<TimeProvider>());
            default:
                throw new InvalidOperationException($"Unknown queue provider '{o.Provider}' (InProcess, AzureStorageQueue, ServiceBus).");
        }
    }

    /// <summary>Job state in files under <paramref name="folder"/>: survives any silo of the process, and the process itself.</summary>
    public static ISiloBuilder AddFolderJobStorage(this ISiloBuilder builder, string folder)
    {
        builder.Services.AddGrainStorage(ArchiveStorage.JobStore, (sp, name) =>
            new FolderGrainStorage(name, new FolderGrainStorageOptions { Folder = folder }, sp.GetRequiredService<Serializer>()));
        return builder;
    }
}
